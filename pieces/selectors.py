"""Lectures des pièces : ce qui manque au dossier d'une famille, en un nombre fixe de requêtes."""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from familles.models import Enfant, Famille, PersonneAutorisee, Responsable
from familles.selectors import adresse_chez, enfants_du_foyer, personnes_autorisees_du_foyer
from portail.noyau.famille import famille_courante
from portail.noyau.lectures import lecture_compilee
from portail.noyau.memoire import en_memoire, suivre
from reservations.models import Activite, Inscription

from .models import DocumentTelechargeable, Piece, Portee, StatutPiece, TypePiece

# Les types exigés et leurs activités, les formulaires proposés : données de la commune,
# gardées par processus (portail.noyau.memoire).
MODELES_TYPES = suivre(TypePiece, Activite)
MODELES_DOCUMENTS = suivre(DocumentTelechargeable)


def pieces_du_foyer(
    famille: Famille | int, types_enfant: list[int] | None = None
) -> QuerySet[Piece]:
    """Les pièces qu'un foyer voit : les siennes, et celles de ses enfants transmises par
    l'autre foyer en garde alternée (en attente ou validées ; jamais ses pièces du foyer,
    ni ses pièces refusées). La seule porte des listes et des fichiers des parents.
    ``types_enfant`` : les types de pièces par enfant de la commune (lus s'ils manquent)."""
    if types_enfant is None:
        types_enfant = _types_de_l_enfant()
    if not types_enfant:
        # Aucune pièce par enfant dans la commune : rien de partagé, pas de sous-requête.
        return Piece.objects.filter(famille=famille)
    partagees = Q(
        enfant__in=enfants_du_foyer(famille),
        type_id__in=types_enfant,
        statut__in=[StatutPiece.EN_ATTENTE, StatutPiece.VALIDEE],
    )
    return Piece.objects.filter(Q(famille=famille) | partagees)


def _types_de_la_commune() -> list[TypePiece]:
    """Tous les types de pièces et leurs activités (2 requêtes), les mêmes pour chaque famille,
    gardés par processus jusqu'au prochain enregistrement d'un type ou d'une activité."""
    return en_memoire(
        "pieces:types",
        lambda: list(TypePiece.objects.prefetch_related("activites")),
        modeles=MODELES_TYPES,
    )


def _types_de_l_enfant() -> list[int]:
    # Lire la portée par une jointure relirait à chaque page une donnée de la commune.
    return [t.pk for t in _types_de_la_commune() if t.portee == Portee.ENFANT]


def piece_du_foyer(famille: Famille, pk: int) -> Piece:
    return get_object_or_404(pieces_du_foyer(famille), pk=pk)


@dataclass(frozen=True)
class PieceAFournir:
    type: TypePiece
    enfant: Enfant | None
    # Une pièce a été envoyée et attend la validation d'un agent.
    en_attente: bool = False

    @property
    def libelle(self) -> str:
        if self.enfant is not None:
            return f"{self.type.nom} ({self.enfant.prenom})"
        return self.type.nom


def pieces_a_fournir(famille: Famille, le: date | None = None) -> list[PieceAFournir]:
    """Les pièces exigées au vu des inscriptions en cours ou à venir des enfants, sans pièce
    validée et encore valable à la date ``le`` (aujourd'hui par défaut).

    4 requêtes (types, leurs activités : gardés en mémoire jusqu'au prochain enregistrement
    d'un type ou d'une activité ; inscriptions, pièces), 5 si une pièce par enfant est
    exigée de tous les enfants, quel que soit le nombre d'enfants ou de pièces."""
    le = le or timezone.localdate()
    types = [t for t in _types_de_la_commune() if t.actif]
    if not types:
        return []
    enfants: dict[int, Enfant] = {}
    activites_par_enfant: dict[int, set[int]] = {}
    for inscription in _inscriptions_et_enfants(famille_id=famille.pk, le=le):
        enfants[inscription.enfant_id] = inscription.enfant
        activites_par_enfant.setdefault(inscription.enfant_id, set()).add(inscription.activite_id)
    if _exigee_de_tous_les_enfants(types):
        for enfant in enfants_du_foyer(famille).filter(actif=True):
            enfants.setdefault(enfant.pk, enfant)
            activites_par_enfant.setdefault(enfant.pk, set())
    return [
        PieceAFournir(
            type_piece, enfants[enfant_id] if enfant_id is not None else None, en_attente=attente
        )
        for type_piece, enfant_id, attente in _manquantes(famille, le, types, activites_par_enfant)
    ]


def nombre_pieces_manquantes(famille: Famille) -> int:
    """Le nombre de pièces à fournir qui n'attendent pas de validation (le bloc de l'accueil) :
    les mêmes règles que ``pieces_a_fournir``, sans charger les enfants."""
    le = timezone.localdate()
    types = [t for t in _types_de_la_commune() if t.actif]
    if not types:
        return 0
    activites_par_enfant: dict[int, set[int]] = {}
    for enfant_id, activite_id in _activites_en_cours(famille_id=famille.pk, le=le):
        activites_par_enfant.setdefault(enfant_id, set()).add(activite_id)
    if _exigee_de_tous_les_enfants(types):
        for enfant_id in enfants_du_foyer(famille).filter(actif=True).values_list("pk", flat=True):
            activites_par_enfant.setdefault(enfant_id, set())
    manquantes = _manquantes(famille, le, types, activites_par_enfant)
    return sum(1 for _type, _enfant, attente in manquantes if not attente)


@lecture_compilee
def _inscriptions_et_enfants(famille_id: int, le: date):
    return (
        _inscriptions_en_cours(famille_id, le)
        .select_related("enfant")
        .order_by("enfant__date_naissance", "enfant__prenom", "enfant_id")
    )


@lecture_compilee
def _activites_en_cours(famille_id: int, le: date):
    return _inscriptions_en_cours(famille_id, le).order_by().values_list("enfant_id", "activite_id")


def _inscriptions_en_cours(famille: Famille | int, le: date) -> QuerySet[Inscription]:
    # Les enfants actifs filtrés dans la sous-requête : pas de jointure sur les enfants.
    return Inscription.objects.filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=le),
        enfant__in=enfants_du_foyer(famille).filter(actif=True),
    )


def _exigee_de_tous_les_enfants(types: list[TypePiece]) -> bool:
    # Une pièce exigée pour tous les enfants : même ceux qui ne sont inscrits nulle part.
    return any(not t.activites.all() and t.portee == Portee.ENFANT for t in types)


def _manquantes(
    famille: Famille, le: date, types: list[TypePiece], activites_par_enfant: dict[int, set[int]]
) -> list[tuple[TypePiece, int | None, bool]]:
    """(type, enfant ou None pour le foyer, en attente de validation) de chaque pièce exigée
    sans pièce validée encore valable à ``le`` (une requête : les pièces du foyer)."""
    valides: set[tuple[int, int | None]] = set()
    attente: set[tuple[int, int | None]] = set()
    for type_id, enfant_id, statut in _pieces_valables(
        famille_id=famille.pk, le=le, types_enfant=_types_de_l_enfant()
    ):
        (valides if statut == StatutPiece.VALIDEE else attente).add((type_id, enfant_id))

    resultat: list[tuple[TypePiece, int | None, bool]] = []
    for type_piece in types:
        exigees_pour = {a.pk for a in type_piece.activites.all()}
        concernes = [
            enfant_id
            for enfant_id, activites in activites_par_enfant.items()
            if not exigees_pour or activites & exigees_pour
        ]
        cles: list[tuple[int, int | None]]
        if type_piece.portee == Portee.FAMILLE:
            if exigees_pour and not concernes:
                continue
            cles = [(type_piece.pk, None)]
        else:
            cles = [(type_piece.pk, enfant_id) for enfant_id in concernes]
        resultat.extend((type_piece, cle[1], cle in attente) for cle in cles if cle not in valides)
    return resultat


@lecture_compilee
def _pieces_valables(famille_id: int, le: date, types_enfant: list[int]):
    return (
        pieces_du_foyer(famille_id, types_enfant)
        .filter(
            Q(statut=StatutPiece.EN_ATTENTE)
            | Q(statut=StatutPiece.VALIDEE)
            & (Q(valide_jusqu_au__isnull=True) | Q(valide_jusqu_au__gte=le))
        )
        .order_by()
        .values_list("type_id", "enfant_id", "statut")
    )


PIECES_LISTEES = 100


def pieces_de_la_famille(famille: Famille) -> list[Piece]:
    """Les ``PIECES_LISTEES`` dernières pièces transmises (sans les annulées), leur type pris
    dans les types gardés en mémoire plutôt que par une jointure."""
    pieces = _pieces_transmises(famille_id=famille.pk, types_enfant=_types_de_l_enfant())
    types = {t.pk: t for t in _types_de_la_commune()}
    for piece in pieces:
        if piece.type_id in types:
            piece.type = types[piece.type_id]
    return pieces


@lecture_compilee
def _pieces_transmises(famille_id: int, types_enfant: list[int]):
    return (
        pieces_du_foyer(famille_id, types_enfant)
        .exclude(statut=StatutPiece.ANNULEE)
        .select_related("enfant")[:PIECES_LISTEES]
    )


def documents_proposes() -> list[DocumentTelechargeable]:
    """Les formulaires que la mairie propose (pages Pièces et Infos), les mêmes pour chaque
    famille : lus une fois par processus jusqu'au prochain enregistrement d'un document."""
    return en_memoire(
        "pieces:documents",
        lambda: list(DocumentTelechargeable.objects.filter(actif=True)),
        modeles=MODELES_DOCUMENTS,
    )


# --- Audience de la boîte de réception (déclarée dans pieces/apps.py) ---------------


def choix_activites() -> list[tuple[str, str]]:
    return [
        (str(pk), nom) for pk, nom in Activite.objects.filter(actif=True).values_list("pk", "nom")
    ]


def familles_inscrites(valeur: str, le: date | None = None) -> QuerySet:
    """Les foyers (pk) ayant un enfant actif inscrit, à ``le`` ou après, à l'activité : en
    garde alternée, les deux foyers de l'enfant."""
    le = le or timezone.localdate()
    if not str(valeur).isdigit():
        return Famille.objects.none().values_list("pk", flat=True)
    foyer = models.OuterRef("pk")
    inscrits = Inscription.objects.filter(
        Q(enfant__famille_id=foyer) | Q(enfant__second_foyer_id=foyer),
        activite_id=int(valeur),
        enfant__actif=True,
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=le))
    return Famille.objects.filter(models.Exists(inscrits)).values_list("pk", flat=True)


@dataclass(frozen=True)
class FicheInscription:
    """La fiche d'inscription d'un enfant, vue par un de ses foyers : l'enfant, et de ce
    foyer seulement l'adresse, les adultes et les personnes autorisées."""

    enfant: Enfant
    famille: Famille
    adresse: str
    responsables: list[Responsable]
    personnes_autorisees: list[PersonneAutorisee]


def fiche_pour_le_foyer(request: HttpRequest, enfant_id: int) -> FicheInscription:
    """L'enfant du foyer connecté (le sien ou celui qu'il accueille ; 404 sinon) et ce que ce
    foyer sait de lui : jamais les adultes, l'adresse ni les personnes autorisées de l'autre
    foyer d'un enfant en garde alternée."""
    famille = famille_courante(request)
    enfant = get_object_or_404(
        enfants_du_foyer(famille).select_related("adresse_de__famille"), pk=enfant_id
    )
    if enfant.famille_id == famille.pk:
        enfant.famille = famille
    return FicheInscription(
        enfant=enfant,
        famille=famille,
        adresse=adresse_chez(enfant, famille),
        responsables=list(Responsable.objects.filter(famille=famille).order_by("role", "id")),
        personnes_autorisees=list(personnes_autorisees_du_foyer(famille).filter(enfant=enfant)),
    )
