"""La configuration de la commune, lue une fois par requête (et mise en cache)."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse

from .models import Configuration

CLE_CACHE = "portail:configuration"

# Les interrupteurs de la configuration (noms des champs booléens de Configuration).
INTERRUPTEURS = (
    "reservations_actives",
    "factures_actives",
    "paiement_en_ligne_actif",
    "pieces_actives",
    "messages_actifs",
)


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
