"""Vérifie qu'un interrupteur coupé ferme chaque vue d'une fonctionnalité (404)."""

from dataclasses import dataclass, field

from django.core.cache import cache

from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.models import Configuration


@dataclass(frozen=True)
class Vue:
    url: str
    methode: str = "get"
    donnees: dict = field(default_factory=dict)


def _statuts(client, vues: list[Vue]) -> dict[str, int]:
    return {
        f"{v.methode.upper()} {v.url}": getattr(client, v.methode)(v.url, v.donnees).status_code
        for v in vues
    }


def verifier_coupure(client, interrupteur: str, vues: list[Vue]) -> None:
    """Ouverte, aucune vue ne répond 404 ; coupée, toutes répondent 404."""
    ouvertes = _statuts(client, vues)
    assert all(statut != 404 for statut in ouvertes.values()), ouvertes
    Configuration.objects.filter(pk=1).update(**{interrupteur: False})
    cache.clear()
    vider_cache_configuration()
    coupees = _statuts(client, vues)
    assert all(statut == 404 for statut in coupees.values()), coupees
