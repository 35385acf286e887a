from functools import lru_cache

from django.http import HttpRequest

from .noyau.adresses import adresse_fixe, prefixe_et_urlconf
from .noyau.configuration import configuration_courante
from .noyau.interrupteurs import fonctionnalites, menu

# Les adresses fixes de l'en-tête et du pied de chaque page.
ADRESSES = {
    "accueil": "portail:accueil",
    "logo": "portail:logo",
    "conditions": "portail:conditions",
    "compte": "account_change_password",
    "deconnexion": "account_logout",
    "accessibilite": "portail:accessibilite",
    "plan_du_site": "portail:plan_du_site",
}


@lru_cache(maxsize=8)
def _adresses(prefixe: str, urlconf: str) -> dict[str, str]:
    """Les adresses de l'en-tête et du pied en un dictionnaire, celles de ``{% adresse %}``."""
    return {cle: adresse_fixe(nom, prefixe, urlconf) for cle, nom in ADRESSES.items()}


def portail(request: HttpRequest) -> dict:
    config = configuration_courante()
    courante = request.resolver_match.view_name if request.resolver_match else ""
    prefixe, urlconf = prefixe_et_urlconf()
    # Le menu en dictionnaires, l'entrée de la page marquée ici : la boucle du gabarit ne
    # cherche plus request.resolver_match.view_name à chaque entrée.
    entrees = [
        {
            "url": e.adresse(prefixe, urlconf),
            "libelle": e.libelle,
            "courante": e.url_name == courante,
        }
        for e in menu()
    ]
    return {
        "config": config,
        "menu": entrees,
        # « fonctionnalites.pieces_actives » dans un gabarit : la même fonction que les vues.
        "fonctionnalites": fonctionnalites(),
        "page_courante": courante,
        "adresses": _adresses(prefixe, urlconf),
    }
