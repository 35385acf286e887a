"""Les fonctionnalités que la commune ouvre ou coupe : un seul mécanisme.

Chaque application déclare ses interrupteurs dans son ``Branchement`` (champs booléens de
``Configuration``). Une vue d'une fonctionnalité coupée — page, formulaire, envoi, PDF,
fichier — répond 404 par ``fonctionnalite_requise`` ; le menu et les blocs de l'accueil
sont filtrés par la même fonction ``fonctionnalite_active``.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .configuration import configuration_courante
from .models import Configuration
from .registre import (
    BlocAccueil,
    EntreeMenu,
    blocs_accueil,
    entrees_menu,
    interrupteurs,
    verifier_nom,
)


def fonctionnalite_active(nom: str, config: Configuration | None = None) -> bool:
    """La fonctionnalité est-elle ouverte ? ``""`` : pas d'interrupteur, toujours ouverte.
    ``config`` : la configuration déjà lue (le menu la lit une fois pour toutes ses entrées)."""
    if not nom:
        return True
    if nom not in interrupteurs():
        raise ValueError(f"Interrupteur non déclaré par une application : {nom}")
    return bool(getattr(config or configuration_courante(), nom))


def fonctionnalite_requise(
    nom: str,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Décorateur de vue : 404 quand la commune a coupé la fonctionnalité."""
    verifier_nom(nom)

    def decorateur(vue: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not fonctionnalite_active(nom):
                raise Http404("Cette fonctionnalité n'est pas ouverte par la commune.")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur


def menu() -> list[EntreeMenu]:
    """Le menu des parents : les entrées dont la fonctionnalité est ouverte."""
    config = configuration_courante()
    return [e for e in entrees_menu() if fonctionnalite_active(e.interrupteur, config)]


def accueil() -> list[BlocAccueil]:
    """Les blocs de l'accueil dont la fonctionnalité est ouverte."""
    config = configuration_courante()
    return [b for b in blocs_accueil() if fonctionnalite_active(b.interrupteur, config)]


def fonctionnalites() -> dict[str, bool]:
    """Chaque interrupteur déclaré et son état, pour les gabarits (``fonctionnalites.x``)."""
    config = configuration_courante()
    return {nom: fonctionnalite_active(nom, config) for nom in interrupteurs()}
