"""Lectures du dossier famille, en un nombre fixe de requêtes quelle que soit sa taille."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from demandes.models import Demande
from demandes.selectors import demandes_en_attente
from portail.noyau.lectures import lecture_compilee

from .models import Enfant, Famille, PersonneAutorisee, Responsable, Role
from .services import TypeRenseignement


def enfants_du_foyer(famille: Famille | int) -> QuerySet[Enfant]:
    """Les enfants d'un foyer : les siens et ceux qu'il accueille en garde alternée (son
    « second foyer »). La seule porte vers les enfants qu'un foyer voit et pour qui il réserve.
    Rangés par foyer puis âge : l'ordre du modèle (le nom du foyer) joindrait les familles."""
    return Enfant.objects.filter(Q(famille=famille) | Q(second_foyer=famille)).order_by(
        "famille_id", "date_naissance", "prenom"
    )


def enfants_actifs(famille: Famille, *, par_prenom: bool = False) -> list[Enfant]:
    """Les enfants actifs du foyer, dans l'ordre d'``enfants_du_foyer`` ou par prénom (rangés
    par la base, comme les noms ailleurs)."""
    lecture = _enfants_actifs_par_prenom if par_prenom else _enfants_actifs_du_foyer
    return lecture(famille_id=famille.pk)


@lecture_compilee
def _enfants_actifs_du_foyer(famille_id: int):
    return enfants_du_foyer(famille_id).filter(actif=True)


@lecture_compilee
def _enfants_actifs_par_prenom(famille_id: int):
    return enfants_du_foyer(famille_id).filter(actif=True).order_by("prenom")


def enfants_par_age(famille: Famille) -> list[Enfant]:
    """Les enfants du foyer (actifs ou non), du plus âgé au plus jeune : les onglets du
    planning."""
    return _enfants_par_age(famille_id=famille.pk)


@lecture_compilee
def _enfants_par_age(famille_id: int):
    return enfants_du_foyer(famille_id).order_by("date_naissance", "prenom")


def enfant_du_foyer(famille: Famille, pk: int) -> Enfant:
    """Un enfant actif du foyer (le sien ou celui qu'il accueille), ou 404 pour tout autre."""
    return get_object_or_404(enfants_du_foyer(famille).filter(actif=True), pk=pk)


def personnes_autorisees_du_foyer(famille: Famille | int) -> QuerySet[PersonneAutorisee]:
    """Les personnes autorisées que ce foyer a données (chaque foyer d'un enfant en garde
    alternée a les siennes)."""
    return PersonneAutorisee.objects.filter(famille=famille).order_by("nom", "prenom")


def adresse_chez(enfant: Enfant, famille: Famille) -> str:
    """L'adresse de l'enfant dans ce foyer : chez le second foyer, celle de ce foyer (jamais
    celle de l'autre foyer ni de ses adultes)."""
    if enfant.famille_id == famille.pk:
        return enfant.adresse_complete
    return famille.adresse_complete


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
    for demande in _renseignements_en_attente(famille_id=famille.pk):
        if demande.donnees.get("action", "").startswith("ajout_"):
            resultat.ajouts.append(demande)
        elif demande.cible_id is not None:
            resultat.cibles.add((demande.type, demande.cible_id))
    return resultat


@lecture_compilee
def _renseignements_en_attente(famille_id: int):
    return demandes_en_attente(famille_id, types=TypeRenseignement.values).only(
        "type", "cible_id", "resume", "donnees", "cree_le"
    )


def _types_en_attente(attente: EnAttente, pk: int, types: set) -> set[str]:
    return {t for t, cible in attente.cibles if cible == pk and t in types}


@lecture_compilee
def _personnes_du_foyer(famille_id: int):
    return personnes_autorisees_du_foyer(famille_id)


@lecture_compilee
def _adultes_du_foyer(famille_id: int):
    return Responsable.objects.filter(famille_id=famille_id).order_by()


def dossier_famille(famille: Famille, *, avec_enfants: bool = True) -> Dossier:
    """Adultes, enfants actifs (avec ``personnes`` : les personnes autorisées que ce foyer a
    données) et demandes en attente."""
    ordre: dict[str, int] = {Role.RESPONSABLE: 0, Role.CONJOINT: 1}
    adultes = sorted(
        _adultes_du_foyer(famille_id=famille.pk),
        key=lambda a: (ordre.get(a.role, 2), a.pk),
    )
    par_id = {adulte.pk: adulte for adulte in adultes}
    for adulte in adultes:
        adulte.famille = famille  # évite une requête par adulte pour l'adresse de la famille
    enfants: list[Enfant] = _enfants_actifs_du_foyer(famille_id=famille.pk) if avec_enfants else []
    # Les personnes autorisées que ce foyer a données, rangées par enfant (``personnes``).
    personnes: dict[int, list[PersonneAutorisee]] = {}
    for personne in _personnes_du_foyer(famille_id=famille.pk) if enfants else []:
        personnes.setdefault(personne.enfant_id, []).append(personne)
    for enfant in enfants:
        setattr(enfant, "personnes", personnes.get(enfant.pk, []))  # noqa: B010
        if enfant.famille_id == famille.pk:
            enfant.famille = famille
            enfant.adresse_de = par_id.get(enfant.adresse_de_id) if enfant.adresse_de_id else None
        else:
            # Accueilli en garde alternée : rien du premier foyer (ni adulte ni adresse) n'est lu.
            enfant.adresse_de = None
        setattr(enfant, "adresse_du_foyer", adresse_chez(enfant, famille))  # noqa: B010
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


def renseignement_decrire(*, lignes: list) -> dict[int, str]:
    """Crochet ``decrire`` : pour l'agent, sur chaque ligne d'une demande visant un enfant en
    garde alternée, l'enfant, le foyer qui demande et ce que la modification touche (2
    requêtes pour toutes les lignes)."""
    demandes = {
        d.pk: d
        for d in Demande.objects.filter(
            pk__in={ligne.demande_id for ligne in lignes},
            cible_type=ContentType.objects.get_for_model(Enfant),
        ).select_related("famille")
    }
    enfants = {
        e.pk: e
        for e in Enfant.objects.filter(
            pk__in={d.cible_id for d in demandes.values()}, second_foyer__isnull=False
        ).select_related("famille", "second_foyer")
    }
    infos: dict[int, str] = {}
    for ligne in lignes:
        demande = demandes.get(ligne.demande_id)
        enfant = enfants.get(demande.cible_id or 0) if demande else None
        if demande is None or enfant is None:
            continue
        foyers = f"{enfant.famille} et {enfant.second_foyer}"
        if demande.type == TypeRenseignement.AUTORISATIONS:
            portee = "les personnes autorisées de ce foyer seulement"
        else:
            portee = "la fiche partagée, vue par les deux foyers"
        infos[ligne.pk] = (
            f"{enfant} est en garde alternée ({foyers}) : demandé par le foyer "
            f"{demande.famille} ; la modification touche {portee}."
        )
    return infos
