"""Lectures des demandes côté famille, toujours filtrées par la famille connectée."""

from datetime import timedelta
from itertools import groupby
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from portail.noyau.famille import get_for_famille

from .models import Demande, StatutDemande
from .registre import TYPES, libelle_type


def types_de_rubrique(rubrique: str) -> list[str]:
    """Les types rangés par leur application dans « Mon compte » ou « Mes enfants »."""
    return [t.code for t in TYPES.values() if t.extra.get("rubrique") == rubrique]


def demandes_de_famille(
    famille: Any, *, type: str = "", rubrique: str = "", statut: str = ""
) -> QuerySet[Demande]:
    """L'historique d'une famille, sans les demandes qu'elle a supprimées."""
    demandes = Demande.objects.filter(famille=famille).exclude(statut=StatutDemande.ANNULEE)
    if type:
        demandes = demandes.filter(type=type)
    if rubrique:
        demandes = demandes.filter(type__in=types_de_rubrique(rubrique))
    if statut:
        demandes = demandes.filter(statut=statut)
    return demandes.order_by("-cree_le", "-id")


def demandes_par_jour(demandes: list[Demande]) -> list[tuple[Any, list[Demande]]]:
    """Regroupe des demandes (déjà triées) par jour d'envoi, à l'heure de Paris."""
    for demande in demandes:
        demande.libelle_type = libelle_type(demande.type)  # type: ignore[attr-defined]
    return [
        (jour, list(groupe))
        for jour, groupe in groupby(demandes, key=lambda d: timezone.localdate(d.cree_le))
    ]


def demande_de_famille(request: HttpRequest, pk: int) -> Demande:
    """Une demande de la famille connectée avec ses lignes, ou 404."""
    demande = get_for_famille(
        request,
        Demande.objects.exclude(statut=StatutDemande.ANNULEE).prefetch_related("lignes"),
        pk=pk,
    )
    demande.libelle_type = libelle_type(demande.type)  # type: ignore[attr-defined]
    return demande


def reponses_recentes(famille: Any, *, jours: int = 30, nombre: int = 3) -> list[Demande]:
    """Les dernières demandes traitées (acceptées ou refusées) depuis ``jours`` jours."""
    depuis = timezone.now() - timedelta(days=jours)
    return list(
        Demande.objects.filter(
            famille=famille,
            statut__in=[StatutDemande.ACCEPTEE, StatutDemande.REFUSEE],
            traite_le__gte=depuis,
        ).order_by("-traite_le", "-id")[:nombre]
    )


def nombre_demandes_en_attente(famille: Any) -> int:
    return Demande.objects.filter(famille=famille, statut=StatutDemande.EN_ATTENTE).count()


def cibles_en_attente(famille: Any, modele: type[Model]) -> set[int]:
    """Les ids des lignes de ``modele`` visées par une demande en attente de la famille, en
    une requête : pour afficher « Modification en attente de validation » sur chaque fiche."""
    ids = Demande.objects.filter(
        famille=famille,
        statut=StatutDemande.EN_ATTENTE,
        cible_type=ContentType.objects.get_for_model(modele),
    ).values_list("cible_id", flat=True)
    return {pk for pk in ids if pk is not None}
