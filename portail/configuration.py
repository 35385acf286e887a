"""La configuration de la commune, lue une fois par requête (et mise en cache)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
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


def configuration_courante() -> Configuration:
    config = cache.get(CLE_CACHE)
    if config is None:
        config, _ = Configuration.objects.get_or_create(pk=1)
        cache.set(CLE_CACHE, config, 300)
    return config


def vider_cache_configuration() -> None:
    cache.delete(CLE_CACHE)


def fonctionnalite_active(interrupteur: str) -> bool:
    if interrupteur not in INTERRUPTEURS:
        raise ValueError(f"Interrupteur inconnu : {interrupteur}")
    return bool(getattr(configuration_courante(), interrupteur))


def fonctionnalite_requise(
    interrupteur: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Décorateur de vue : 404 quand la commune a coupé la fonctionnalité.

    @login_required
    @fonctionnalite_requise("reservations_actives")
    def reservations(request): ...
    """
    if interrupteur not in INTERRUPTEURS:
        raise ValueError(f"Interrupteur inconnu : {interrupteur}")

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not fonctionnalite_active(interrupteur):
                raise Http404("Cette fonctionnalité n'est pas ouverte par la commune.")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
