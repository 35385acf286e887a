"""Lectures des demandes et de la boîte de réception côté famille, toujours filtrées par la
famille connectée."""

from collections.abc import Iterable
from datetime import timedelta
from itertools import groupby
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from portail.noyau.famille import get_for_famille
from portail.noyau.lectures import lecture_compilee
from portail.noyau.registre import libelle_type, types_demande

from .models import Demande, Direction, Message, Rubrique, StatutDemande


def types_de_rubrique(rubrique: str) -> list[str]:
    """Les types rangés par leur application dans « Mon compte » ou « Mes enfants »."""
    return [t.code for t in types_demande().values() if t.rubrique == rubrique]


def demandes_de_famille(
    famille: Any, *, type: str = "", rubrique: str = "", statut: str = ""
) -> QuerySet[Demande]:
    """L'historique d'une famille, sans les demandes qu'elle a supprimées, avec l'adulte qui a
    fait chacune (« demandée par Jeanne DUPONT ») lu dans la même requête."""
    demandes = (
        Demande.objects.filter(famille=famille)
        .exclude(statut=StatutDemande.ANNULEE)
        .select_related("cree_par__responsable")
    )
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
        Demande.objects.exclude(statut=StatutDemande.ANNULEE)
        .select_related("cree_par__responsable")
        .prefetch_related("lignes"),
        pk=pk,
    )
    demande.libelle_type = libelle_type(demande.type)  # type: ignore[attr-defined]
    return demande


REPONSES_RECENTES = 3


def reponses_recentes(famille: Any, *, jours: int = 30) -> list[Demande]:
    """Les ``REPONSES_RECENTES`` dernières demandes traitées (acceptées ou refusées) depuis
    ``jours`` jours."""
    return _reponses_depuis(famille_id=famille.pk, depuis=timezone.now() - timedelta(days=jours))


@lecture_compilee
def _reponses_depuis(famille_id: int, depuis):
    return (
        Demande.objects.filter(
            famille_id=famille_id,
            statut__in=[StatutDemande.ACCEPTEE, StatutDemande.REFUSEE],
            traite_le__gte=depuis,
        )
        .order_by("-traite_le", "-id")
        .only("statut", "resume", "traite_le", "reponse")[:REPONSES_RECENTES]
    )


_SQL_COMPTEURS = (
    "SELECT (SELECT COUNT(*) FROM demandes_message WHERE famille_id = %s"
    " AND direction = %s AND lu_le IS NULL AND supprime_le IS NULL),"
    " (SELECT COUNT(*) FROM demandes_demande WHERE famille_id = %s AND statut = %s)"
)


def compteurs_accueil(request: HttpRequest, famille: Any) -> tuple[int, int]:
    """(messages non lus, demandes en attente) : les nombres des deux blocs de l'accueil, en
    une requête lue une fois par page. Écrite une fois en SQL comme le solde : deux
    ``count()`` construits par l'ORM coûtaient plus que leur exécution."""
    deja = getattr(request, "_compteurs_accueil", None)
    if deja is not None and deja[0] == famille.pk:
        return deja[1]
    with connection.cursor() as curseur:
        curseur.execute(
            _SQL_COMPTEURS,
            [famille.pk, Direction.MAIRIE_VERS_FAMILLE, famille.pk, StatutDemande.EN_ATTENTE],
        )
        non_lus, en_attente = curseur.fetchone()
    request._compteurs_accueil = (famille.pk, (non_lus, en_attente))  # type: ignore[attr-defined]
    return non_lus, en_attente


def demandes_en_attente(
    famille: Any, *, types: Iterable[str] = (), cible: Model | None = None
) -> QuerySet[Demande]:
    """Le seul sélecteur « les demandes en attente de la famille », de ces types, sur cette
    cible (une ligne de n'importe quel modèle) : une requête."""
    demandes = Demande.objects.filter(famille=famille, statut=StatutDemande.EN_ATTENTE)
    types = list(types)
    if types:
        demandes = demandes.filter(type__in=types)
    if cible is not None:
        demandes = demandes.filter(
            cible_type=ContentType.objects.get_for_model(cible), cible_id=cible.pk
        )
    return demandes


def cibles_en_attente(famille: Any, type: str) -> set[int | None]:
    """Les cibles des demandes de ce type en attente (une requête)."""
    return set(_cibles_en_attente(famille_id=famille.pk, type=type))


@lecture_compilee
def _cibles_en_attente(famille_id: int, type: str):
    return demandes_en_attente(famille_id, types=[type]).values_list("cible_id", flat=True)


# --- Audiences des messages déclarées par demandes (branchement.py) ------------------------


def _modele_famille() -> type[Model]:
    return Message._meta.get_field("famille").related_model  # type: ignore[return-value]


def familles_toutes(valeur: str) -> QuerySet:
    return _modele_famille()._default_manager.values_list("pk", flat=True)


def familles_par_numero(valeur: str) -> QuerySet:
    return (
        _modele_famille()
        ._default_manager.filter(numero=valeur.strip())
        .values_list("pk", flat=True)
    )


# --- Boîte de réception ----------------------------------------------------------------


def messages_de_la_rubrique(famille: Any, rubrique: str) -> QuerySet[Message]:
    """Les messages d'une rubrique (reçus, envoyés, supprimés) de la famille, sans leur texte."""
    # L'adulte qui a écrit chaque message du foyer, lu dans la même requête.
    messages = (
        Message.objects.filter(famille=famille).defer("texte").select_related("auteur__responsable")
    )
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
