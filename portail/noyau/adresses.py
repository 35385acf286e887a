"""Les adresses des pages, le ``reverse()`` fait une fois par processus (≈ 40 µs chacun).

Une adresse sans argument est gardée telle quelle ; une adresse à entiers (l'enfant, l'année et
le mois du planning, l'identifiant d'une réservation) est gardée en morceaux, autour de ses
entiers : chaque page, ou chaque ligne d'une boucle, n'y met que ses entiers. Le préfixe du
site et l'urlconf du moment sont dans la clé : ``reverse()`` en dépend. Le gabarit passe par
``{% adresse %}`` (``portail/templatetags/portail.py``), le code par ``adresse_fixe`` et
``modele_adresse``, avec le préfixe et l'urlconf lus une fois (``prefixe_et_urlconf()``).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Des identifiants témoins qu'aucune adresse ne contient par ailleurs.
_TEMOINS = (987654321, 987654322, 987654323)


@lru_cache(maxsize=256)
def adresse_fixe(nom: str, prefixe: str, urlconf: str) -> str:
    """L'adresse sans argument ``nom``."""
    return reverse(nom, urlconf=urlconf)


@lru_cache(maxsize=256)
def modele_adresse(nom: str, nombre: int, prefixe: str, urlconf: str) -> tuple[str, ...]:
    """Les morceaux fixes de l'adresse, autour de ses ``nombre`` entiers."""
    reste = reverse(nom, args=_TEMOINS[:nombre], urlconf=urlconf)
    morceaux = []
    for temoin in _TEMOINS[:nombre]:
        avant, trouve, reste = reste.partition(str(temoin))
        if not trouve:
            raise ValueError(f"{nom} : l'adresse n'écrit pas ses entiers tels quels.")
        morceaux.append(avant)
    return (*morceaux, reste)


def prefixe_et_urlconf() -> tuple[str, str]:
    """Le préfixe du site et l'urlconf du moment (deux variables de la requête)."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def assembler(morceaux: tuple[str, ...], entiers: tuple[int, ...]) -> str:
    """Les morceaux d'une adresse (``modele_adresse``) et ses entiers, dans l'ordre."""
    resultat = morceaux[0]
    for entier, suite in zip(entiers, morceaux[1:], strict=True):
        resultat += f"{int(entier)}{suite}"
    return resultat
