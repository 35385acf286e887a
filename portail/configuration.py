"""La configuration de la commune, lue une fois par requête (et mise en cache)."""

from django.core.cache import cache

from .models import Configuration

CLE_CACHE = "portail:configuration"


def configuration_courante() -> Configuration:
    config = cache.get(CLE_CACHE)
    if config is None:
        config, _ = Configuration.objects.get_or_create(pk=1)
        cache.set(CLE_CACHE, config, 300)
    return config


def vider_cache_configuration() -> None:
    cache.delete(CLE_CACHE)
