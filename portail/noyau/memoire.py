"""Lectures communes à toutes les familles gardées quelques secondes en mémoire du processus.

Les actualités de la mairie ou les types de pièces exigées sont les mêmes pour chaque
parent : chaque page de l'accueil les relisait en base (3 des 10 requêtes SQL de l'accueil).
Comme la configuration de la commune (``portail.noyau.configuration``), elles sont gardées
``CONFIGURATION_CACHE_LOCAL_SECONDES`` secondes (10 en production, 0 dans les tests) : une
modification dans l'admin apparaît partout après ce délai au plus.
"""

import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_memoire: dict[Hashable, tuple[float, Any]] = {}
TAILLE_MAX = 256


def en_memoire(cle: Hashable, calcul: Callable[[], T]) -> T:
    """Le résultat de ``calcul()`` pour ``cle``, relu au plus toutes les N secondes.

    Le résultat est partagé entre les requêtes (et les fils) du processus : il ne doit
    pas être modifié par l'appelant."""
    duree = getattr(settings, "CONFIGURATION_CACHE_LOCAL_SECONDES", 0)
    if duree <= 0:
        return calcul()
    maintenant = time.monotonic()
    trouve = _memoire.get(cle)
    if trouve is not None and maintenant - trouve[0] < duree:
        return trouve[1]
    valeur = calcul()
    if len(_memoire) >= TAILLE_MAX:
        _memoire.clear()
    _memoire[cle] = (maintenant, valeur)
    return valeur


def vider_memoire() -> None:
    _memoire.clear()
