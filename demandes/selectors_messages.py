"""Lectures de la boîte de réception d'une famille."""

from typing import Any

from django.db.models import QuerySet

from .models import Direction, Message, Rubrique


def messages_de_la_rubrique(famille: Any, rubrique: str) -> QuerySet[Message]:
    """Les messages d'une rubrique (reçus, envoyés, supprimés) de la famille, sans leur texte."""
    messages = Message.objects.filter(famille=famille).defer("texte")
    if rubrique == Rubrique.SUPPRIMES:
        return messages.filter(supprime_le__isnull=False)
    direction = (
        Direction.FAMILLE_VERS_MAIRIE
        if rubrique == Rubrique.ENVOYES
        else Direction.MAIRIE_VERS_FAMILLE
    )
    return messages.filter(direction=direction, supprime_le__isnull=True)


def nombre_non_lus(famille: Any) -> int:
    return Message.objects.filter(
        famille=famille,
        direction=Direction.MAIRIE_VERS_FAMILLE,
        lu_le__isnull=True,
        supprime_le__isnull=True,
    ).count()
