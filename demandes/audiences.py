"""À qui un agent écrit : une famille, toutes, ou une audience déclarée par une application
métier (ex. « les familles ayant un enfant inscrit à une activité », par pieces/apps.py).

demandes ne connaît aucune application métier : le modèle Famille est atteint par la clé
étrangère paresseuse de Message.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Audience:
    code: str
    libelle: str
    # Reçoit la valeur choisie par l'agent et renvoie les pk des familles visées.
    familles: Callable[[str], QuerySet | Iterable[int]]
    # Les valeurs possibles [(valeur, libellé)] ; None : l'audience n'a pas de paramètre.
    choix: Callable[[], list[tuple[str, str]]] | None = None


AUDIENCES: dict[str, Audience] = {}


def enregistrer_audience(audience: Audience) -> None:
    AUDIENCES[audience.code] = audience


def _modele_famille():
    from .models import Message

    return Message._meta.get_field("famille").related_model


def _toutes(valeur: str) -> QuerySet:
    return _modele_famille().objects.values_list("pk", flat=True)


def _une(valeur: str) -> QuerySet:
    return _modele_famille().objects.filter(numero=valeur.strip()).values_list("pk", flat=True)


enregistrer_audience(Audience(code="toutes", libelle="Toutes les familles", familles=_toutes))
enregistrer_audience(Audience(code="famille", libelle="Une famille (son numéro)", familles=_une))
