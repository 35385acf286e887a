"""La configuration de la commune, gardée en mémoire de chaque processus jusqu'à son
prochain enregistrement, et ses interrupteurs."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .memoire import en_memoire, oublier_donnees_communes, suivre
from .models import Configuration

# Les interrupteurs de la configuration (noms des champs booléens de Configuration).
INTERRUPTEURS = (
    "reservations_actives",
    "factures_actives",
    "paiement_en_ligne_actif",
    "pieces_actives",
    "messages_actifs",
)


MODELES = suivre(Configuration)


def configuration_courante() -> Configuration:
    """La configuration de la commune : lue en base une fois par processus, relue après
    chaque enregistrement (``portail.noyau.memoire``)."""
    return en_memoire("configuration", _lire_configuration, modeles=MODELES)


def _lire_configuration() -> Configuration:
    config, _ = Configuration.objects.get_or_create(pk=1)
    return config


def vider_cache_configuration() -> None:
    """Après une écriture sans signal (``update()``) : chaque processus relira la
    configuration."""
    oublier_donnees_communes()


def fonctionnalite_active(interrupteur: str) -> bool:
    if interrupteur not in INTERRUPTEURS:
        raise ValueError(f"Interrupteur inconnu : {interrupteur}")
    return bool(getattr(configuration_courante(), interrupteur))


def fonctionnalite_verifier(interrupteur: str) -> None:
    """404 quand la commune a coupé la fonctionnalité (vues, pages et envois)."""
    if not fonctionnalite_active(interrupteur):
        raise Http404("Cette fonctionnalité n'est pas ouverte par la commune.")


def fonctionnalite_requise(
    interrupteur: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Décorateur de vue : 404 quand la commune a coupé la fonctionnalité."""
    if interrupteur not in INTERRUPTEURS:
        raise ValueError(f"Interrupteur inconnu : {interrupteur}")

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fonctionnalite_verifier(interrupteur)
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
