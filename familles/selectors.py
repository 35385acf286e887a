"""Lectures du dossier famille, en un nombre fixe de requêtes quelle que soit sa taille."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from demandes.models import Demande
from demandes.selectors import demandes_en_attente

from .models import Enfant, Famille, PersonneAutorisee, Responsable, Role
from .services import TypeRenseignement


def enfants_du_foyer(famille: Famille) -> QuerySet[Enfant]:
    """Les enfants d'un foyer : les siens et ceux qu'il accueille en garde alternée (son
    « second foyer »). La seule porte vers les enfants qu'un foyer voit et pour qui il réserve."""
    return Enfant.objects.filter(Q(famille=famille) | Q(second_foyer=famille))


_TYPES_FAMILLE = {TypeRenseignement.FISCALES, TypeRenseignement.CAF, TypeRenseignement.BANCAIRES}
_TYPES_ADULTE = {TypeRenseignement.RESPONSABLE, TypeRenseignement.CONJOINT}
_TYPES_ENFANT = {
    TypeRenseignement.ENFANTS,
    TypeRenseignement.SANITAIRE,
    TypeRenseignement.AUTORISATIONS,
}


@dataclass
class EnAttente:
    """Les demandes du dossier en attente : (type, id de la cible) et les ajouts demandés."""

    cibles: set[tuple[str, int]] = field(default_factory=set)
    ajouts: list[Demande] = field(default_factory=list)

    def contient(self, type: str, cible_id: int) -> bool:
        return (type, cible_id) in self.cibles


@dataclass
class Dossier:
    famille: Famille
    responsable: Responsable | None
    conjoint: Responsable | None
    adultes: list[Responsable]
    enfants: list[Enfant]
    en_attente: EnAttente


def en_attente(famille: Famille) -> EnAttente:
    resultat = EnAttente()
    demandes = demandes_en_attente(famille, types=TypeRenseignement.values).only(
        "type", "cible_id", "resume", "donnees", "cree_le"
    )
    for demande in demandes:
        if demande.donnees.get("action", "").startswith("ajout_"):
            resultat.ajouts.append(demande)
        elif demande.cible_id is not None:
            resultat.cibles.add((demande.type, demande.cible_id))
    return resultat


def _types_en_attente(attente: EnAttente, pk: int, types: set) -> set[str]:
    return {t for t, cible in attente.cibles if cible == pk and t in types}


def dossier_famille(famille: Famille, *, avec_enfants: bool = True) -> Dossier:
    """Adultes, enfants actifs (avec leurs personnes autorisées) et demandes en attente."""
    ordre: dict[str, int] = {Role.RESPONSABLE: 0, Role.CONJOINT: 1}
    adultes = sorted(
        Responsable.objects.filter(famille=famille), key=lambda a: (ordre.get(a.role, 2), a.pk)
    )
    par_id = {adulte.pk: adulte for adulte in adultes}
    for adulte in adultes:
        adulte.famille = famille  # évite une requête par adulte pour l'adresse de la famille
    enfants: list[Enfant] = []
    if avec_enfants:
        enfants = list(
            Enfant.objects.filter(famille=famille, actif=True).prefetch_related(
                Prefetch("personnes_autorisees", queryset=PersonneAutorisee.objects.order_by("nom"))
            )
        )
    for enfant in enfants:
        enfant.famille = famille
        enfant.adresse_de = par_id.get(enfant.adresse_de_id) if enfant.adresse_de_id else None
    attente = en_attente(famille)
    # Les types de demande en attente pour chaque fiche, lus par les gabarits.
    setattr(famille, "attente", _types_en_attente(attente, famille.pk, _TYPES_FAMILLE))  # noqa: B010
    for personne in [*adultes, *enfants]:
        types = _TYPES_ENFANT if isinstance(personne, Enfant) else _TYPES_ADULTE
        setattr(personne, "attente", _types_en_attente(attente, personne.pk, types))  # noqa: B010
    return Dossier(
        famille=famille,
        responsable=next((a for a in adultes if a.role == Role.RESPONSABLE), None),
        conjoint=next((a for a in adultes if a.role == Role.CONJOINT), None),
        adultes=adultes,
        enfants=enfants,
        en_attente=attente,
    )


def responsable_accueil(request: HttpRequest, famille: Famille) -> dict:
    """Le bloc « Responsable » de l'accueil (guide de Haisnes) : civilité, nom, prénom,
    numéro de famille de l'adulte connecté (chacun a son compte), chargé avec le compte :
    aucune requête."""
    responsable = getattr(request.user, "responsable", None)
    if responsable is None or responsable.famille_id != famille.pk:
        responsable = (
            Responsable.objects.filter(famille=famille, role=Role.RESPONSABLE)
            .order_by("pk")
            .first()
        )
    return {"famille": famille, "responsable": responsable}
