"""Lectures des demandes et de la boîte de réception côté famille, toujours filtrées par la
famille connectée."""

from collections.abc import Iterable
from datetime import timedelta
from itertools import groupby
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from portail.noyau.famille import get_for_famille
from portail.noyau.lectures import lecture_compilee, page_de_lignes
from portail.noyau.registre import libelle_type, types_demande

from .models import Demande, Direction, Message, Rubrique, StatutDemande


def types_de_rubrique(rubrique: str) -> list[str]:
    """Les types rangés par leur application dans « Mon compte » ou « Mes enfants »."""
    return [t.code for t in types_demande().values() if t.rubrique == rubrique]


DEMANDES_PAR_PAGE = 20


def historique_de_famille(
    famille: Any, *, type: str = "", rubrique: str = "", statut: str = "", numero: Any = None
) -> Page:
    """Une page de l'historique d'une famille, sans les demandes qu'elle a supprimées, avec
    l'adulte qui a fait chacune (« demandée par Jeanne DUPONT ») lu dans la même requête. Les
    filtres sont appliqués aux clés de toutes ses demandes : deux requêtes, quel que soit le
    filtre."""
    types = set(types_de_rubrique(rubrique)) if rubrique else None
    cles = [
        cle
        for cle in _cles_de_l_historique(famille_id=famille.pk)
        if (not type or cle[1] == type)
        and (types is None or cle[1] in types)
        and (not statut or cle[2] == statut)
    ]
    return page_de_lignes(
        cles,
        numero,
        DEMANDES_PAR_PAGE,
        lambda ids: _demandes_par_identifiant(famille_id=famille.pk, ids=ids),
    )


@lecture_compilee
def _cles_de_l_historique(famille_id: int):
    return (
        Demande.objects.filter(famille_id=famille_id)
        .exclude(statut=StatutDemande.ANNULEE)
        .order_by("-cree_le", "-id")
        .values_list("id", "type", "statut")
    )


@lecture_compilee
def _demandes_par_identifiant(famille_id: int, ids: list[int]):
    # Le foyer encore : les identifiants viennent de ses clés, la lecture le redit.
    return (
        Demande.objects.filter(famille_id=famille_id, id__in=ids)
        .select_related("cree_par__responsable")
        .order_by()
    )


def demandes_par_jour(demandes: Iterable[Demande]) -> list[tuple[Any, list[Demande]]]:
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


MESSAGES_PAR_PAGE = 20


def boite_de_famille(famille: Any, rubrique: str, numero: Any = None) -> tuple[Page, int]:
    """Une page d'une rubrique (reçus, envoyés, supprimés) de la boîte de réception, sans le
    texte des messages mais avec l'adulte qui a écrit chacun, et le nombre de messages reçus
    non lus : deux requêtes, quelle que soit la rubrique."""
    cles = _cles_des_messages(famille_id=famille.pk)
    if rubrique == Rubrique.SUPPRIMES:
        gardees = [cle for cle in cles if cle[2] is not None]
    else:
        direction = (
            Direction.FAMILLE_VERS_MAIRIE
            if rubrique == Rubrique.ENVOYES
            else Direction.MAIRIE_VERS_FAMILLE
        )
        gardees = [cle for cle in cles if cle[1] == direction and cle[2] is None]
    page = page_de_lignes(
        gardees,
        numero,
        MESSAGES_PAR_PAGE,
        lambda ids: _messages_par_identifiant(famille_id=famille.pk, ids=ids),
    )
    return page, _non_lus(cles)


def _non_lus(cles: list[tuple]) -> int:
    return sum(
        1
        for _pk, direction, supprime_le, lu_le in cles
        if direction == Direction.MAIRIE_VERS_FAMILLE and lu_le is None and supprime_le is None
    )


@lecture_compilee
def _cles_des_messages(famille_id: int):
    return (
        Message.objects.filter(famille_id=famille_id)
        .order_by("-cree_le", "-id")
        .values_list("id", "direction", "supprime_le", "lu_le")
    )


@lecture_compilee
def _messages_par_identifiant(famille_id: int, ids: list[int]):
    return (
        Message.objects.filter(famille_id=famille_id, id__in=ids)
        .defer("texte")
        .select_related("auteur__responsable")
        .order_by()
    )
