"""Ce que chaque application ajoute au menu et à la page d'accueil.

Chaque application métier s'enregistre dans son AppConfig.ready(), ce qui évite que
portail importe les applications métier.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class EntreeMenu:
    ordre: int
    libelle: str
    url_name: str
    # Nom d'un interrupteur de la Configuration ("reservations_actives"...), ou "".
    interrupteur: str = ""

    @property
    def url(self) -> str:
        """L'adresse de l'entrée, calculée une fois par processus (le menu est sur chaque
        page : une dizaine de reverse() par page en moins)."""
        return _url_menu(self.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=128)
def _url_menu(url_name: str, prefixe: str, urlconf: str) -> str:
    return reverse(url_name, urlconf=urlconf)


@dataclass(frozen=True)
class BlocAccueil:
    ordre: int
    template: str
    # Reçoit (request, famille) et renvoie le contexte du bloc ; None pour ne rien afficher.
    contexte: Callable[[HttpRequest, Any], dict | None]
    interrupteur: str = ""


MENU: list[EntreeMenu] = []
ACCUEIL: list[BlocAccueil] = []


def ajouter_menu(entree: EntreeMenu) -> None:
    if entree not in MENU:
        MENU.append(entree)
        MENU.sort(key=lambda e: e.ordre)


def ajouter_bloc_accueil(bloc: BlocAccueil) -> None:
    if bloc not in ACCUEIL:
        ACCUEIL.append(bloc)
        ACCUEIL.sort(key=lambda b: b.ordre)
