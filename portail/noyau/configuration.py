"""La configuration de la commune, lue une fois par requête (et mise en cache)."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .models import Configuration

CLE_CACHE = "portail:configuration"

# Copie locale au processus, relue dans le cache partagé après quelques secondes : une page
# lit la configuration plusieurs fois (middleware, menu, vue) sans aller-retour vers Redis.
_locale: dict[str, Any] = {"config": None, "lue_le": 0.0}


def configuration_courante() -> Configuration:
    duree_locale = getattr(settings, "CONFIGURATION_CACHE_LOCAL_SECONDES", 0)
    maintenant = time.monotonic()
    if _locale["config"] is not None and maintenant - _locale["lue_le"] < duree_locale:
        return _locale["config"]
    config = cache.get(CLE_CACHE)
    if config is None:
        config, _ = Configuration.objects.get_or_create(pk=1)
        cache.set(CLE_CACHE, config, 300)
    _locale.update(config=config, lue_le=maintenant)
    return config


def oublier_configuration_locale() -> None:
    _locale.update(config=None, lue_le=0.0)


def vider_cache_configuration() -> None:
    oublier_configuration_locale()
    cache.delete(CLE_CACHE)
    # Encore après le commit : un autre processus a pu relire l'ancienne entre-temps.
    transaction.on_commit(lambda: cache.delete(CLE_CACHE), robust=True)
