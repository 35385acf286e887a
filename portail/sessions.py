"""Les sessions : en base, lues dans le cache (Redis en production), comme le moteur
``cached_db`` de Django, le jeton des données communes lu dans le même aller-retour.

Chaque page d'un parent lit sa session et ce jeton (``portail.noyau.memoire``) : deux
aller-retours Redis, un seul ici (``MGET``). Au banc, Redis sur la même machine, le gain est
sous le bruit (≈ 1 %, docs/performance.md) ; l'attente d'un aller-retour compte plus quand
Redis est sur un autre hôte (docker-compose).
"""

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as SessionEnCache
from django.core.cache import DEFAULT_CACHE_ALIAS

from portail.noyau.memoire import lire_avec_le_jeton


class SessionStore(SessionEnCache):
    def load(self) -> dict[str, Any]:
        if settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS:  # le cache du jeton
            try:
                donnees = lire_avec_le_jeton(self.cache_key)
            except Exception:  # comme Django : une clé illisible est une session absente
                donnees = None
            if donnees is not None:
                return donnees
        return super().load()  # pas dans le cache : lue en base, puis remise dans le cache
