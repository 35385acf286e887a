"""Lectures des pages de réservation, en un nombre fixe de requêtes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from familles.models import Enfant, Famille, Responsable
from familles.selectors import enfants_actifs, enfants_du_foyer
from portail.noyau.lectures import lecture_compilee

from .calendrier import jours
from .models import (
    ETATS_OCCUPANT_UNE_PLACE,
    ETATS_POINTAGE,
    Activite,
    EtatReservation,
    Fermeture,
    Inscription,
    JourOuverture,
    Periode,
    RappelPeriode,
    Reservation,
    Unite,
)
from .regles import (
    JOURS_SEMAINE,
    Choix,
    Contexte,
    est_active,
    periode_affichee,
    periode_ouverte,
    raison_blocage,
    suppression_en_attente,
    texte_rang,
)


def periodes_affichees(aujourdhui: date) -> QuerySet[Periode]:
    """Les périodes que les familles voient aujourd'hui (activité active, dates d'affichage)."""
    return (
        Periode.objects.filter(activite__actif=True)
        .filter(Q(affichee_du__isnull=True) | Q(affichee_du__lte=aujourdhui))
        .filter(Q(affichee_au__isnull=True) | Q(affichee_au__gte=aujourdhui))
        .select_related("activite")
    )


@dataclass
class ActiviteProposee:
    activite: Activite
    periodes: list[Periode]
    enfants: list[Enfant]


def accueil_reservations(famille, aujourdhui: date) -> tuple[list[Enfant], list[ActiviteProposee]]:
    """Les enfants de la famille et, pour chaque activité où l'un d'eux est inscrit, les
    périodes affichées (3 requêtes)."""
    enfants = enfants_actifs(famille, par_prenom=True)
    inscriptions = _inscriptions_actives(enfants=[e.pk for e in enfants], aujourdhui=aujourdhui)
    par_activite: dict[int, ActiviteProposee] = {}
    enfants_par_id = {e.pk: e for e in enfants}
    # Par activité, puis les enfants comme enfants_du_foyer (foyer, âge, prénom).
    rang = {e.pk: (e.famille_id, e.date_naissance, e.prenom) for e in enfants}
    for inscription in sorted(
        inscriptions,
        key=lambda i: (i.activite.ordre, i.activite.nom, rang[i.enfant_id], i.pk),
    ):
        proposee = par_activite.setdefault(
            inscription.activite_id, ActiviteProposee(inscription.activite, [], [])
        )
        proposee.enfants.append(enfants_par_id[inscription.enfant_id])
    for periode in _periodes_proposees(activites=sorted(par_activite), aujourdhui=aujourdhui):
        par_activite[periode.activite_id].periodes.append(periode)
    return enfants, list(par_activite.values())


@lecture_compilee
def _inscriptions_actives(enfants: list[int], aujourdhui: date):
    return (
        Inscription.objects.filter(enfant_id__in=enfants, activite__actif=True)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=aujourdhui))
        .select_related("activite")
        .order_by()  # rangées ici : l'ordre du modèle joindrait les enfants et les familles
    )


@lecture_compilee
def _periodes_proposees(activites: list[int], aujourdhui: date):
    return (
        periodes_affichees(aujourdhui)
        .filter(activite_id__in=activites, date_fin__gte=aujourdhui)
        .order_by("date_debut")
    )


def charger_contexte(
    periode: Periode, enfants: Iterable[Enfant], foyer_id: int | None = None
) -> Contexte:
    """Charge les unités, jours ouverts, fermetures, inscriptions, réservations et places
    occupées d'une période pour ces enfants : 7 requêtes, quel que soit leur nombre."""
    enfant_ids = [e.pk for e in enfants]
    activite = periode.activite
    debut, fin = periode.date_debut, periode.date_fin
    unites = list(Unite.objects.filter(activite=activite).prefetch_related("incompatibles"))
    ouvertures: set[tuple[int, date]] = set()
    attentes_fermees: set[tuple[int, date]] = set()
    for unite_id, jour, fermee in JourOuverture.objects.filter(
        unite__activite=activite, date__range=(debut, fin)
    ).values_list("unite_id", "date", "attente_fermee"):
        ouvertures.add((unite_id, jour))
        if fermee:
            attentes_fermees.add((unite_id, jour))
    fermetures: dict[date, str] = {}
    for jour, motif in (
        Fermeture.objects.filter(date__range=(debut, fin))
        .filter(Q(activite=activite) | Q(activite__isnull=True))
        .values_list("date", "motif")
    ):
        fermetures[jour] = fermetures.get(jour) or motif
    inscriptions: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for enfant_id, du, au in Inscription.objects.filter(
        enfant_id__in=enfant_ids, activite=activite
    ).values_list("enfant_id", "date_debut", "date_fin"):
        inscriptions[enfant_id].append((du, au))
    reservations = {
        (r.enfant_id, r.unite_id, r.date): r
        for r in Reservation.objects.filter(
            enfant_id__in=enfant_ids, unite__activite=activite, date__range=(debut, fin)
        ).select_related("demande")
    }
    occupation = {
        (ligne["unite_id"], ligne["date"]): ligne["n"]
        for ligne in Reservation.objects.filter(
            unite__activite=activite,
            unite__capacite__isnull=False,
            date__range=(debut, fin),
            etat__in=ETATS_OCCUPANT_UNE_PLACE,
        )
        .values("unite_id", "date")
        .annotate(n=Count("id"))
    }
    attentes: dict[tuple[int, date], list[int]] = defaultdict(list)
    if any(r.etat == EtatReservation.LISTE_ATTENTE for r in reservations.values()):
        # Les rangs, seulement si un des enfants est sur une liste (une requête de plus).
        for unite_id, jour, enfant_id in (
            Reservation.objects.filter(
                unite__activite=activite,
                date__range=(debut, fin),
                etat=EtatReservation.LISTE_ATTENTE,
            )
            .order_by("rang_attente", "id")
            .values_list("unite_id", "date", "enfant_id")
        ):
            attentes[(unite_id, jour)].append(enfant_id)
    return Contexte(
        periode=periode,
        unites=unites,
        incompatibles={u.pk: {i.pk for i in u.incompatibles.all()} for u in unites},
        ouvertures=ouvertures,
        fermetures=fermetures,
        inscriptions=dict(inscriptions),
        reservations=reservations,
        occupation=occupation,
        attentes=dict(attentes),
        attentes_fermees=attentes_fermees,
        foyer_id=foyer_id,
    )


# --- La grille -------------------------------------------------------------------------


@dataclass
class CaseACocher:
    cle: str
    unite: Unite
    jour: date
    ouverte: bool
    cochee: bool = False
    modifiable: bool = False
    # Réservation déjà prise (validée, en attente…) : décocher demande une suppression.
    active: bool = False
    statut: str = ""  # classe CSS : reservee, demandee, refusee, bloquee…
    libelle: str = ""  # texte lisible sans la couleur : « ✓ Réservé », « Délai dépassé »…
    refusee: bool = False
    # Jour complet : « Liste d'attente » à cocher (champ « a ») au lieu de la case.
    attente_possible: bool = False
    attente_cochee: bool = False
    # Déjà sur la liste : la réservation « Liste d'attente », pour « Quitter la liste ».
    attente_id: int | None = None


@dataclass
class LigneJour:
    jour: date
    cases_a_cocher: list[CaseACocher]
    # « lundi 9 novembre 2026 », calculé une fois par jour (la grille peut compter
    # des centaines de cases à cocher).
    libelle: str = ""


@dataclass
class GrilleEnfant:
    enfant: Enfant
    lignes: list[LigneJour]
    inscrit: bool


@dataclass
class Grille:
    periode: Periode
    unites: list[Unite]
    enfants: list[GrilleEnfant]
    ouverte: bool
    contexte: Contexte
    # (n° du jour de la semaine, nom, [(clé « jour-unité », unité)]) pour la semaine-type.
    semaine_type: list[tuple[int, str, list[tuple[str, Unite]]]] = field(default_factory=list)

    def cases_a_cocher(self) -> Iterable[CaseACocher]:
        for grille_enfant in self.enfants:
            for ligne in grille_enfant.lignes:
                yield from ligne.cases_a_cocher


def _case_a_cocher(ctx: Contexte, choix: Choix, unite: Unite, maintenant: datetime) -> CaseACocher:
    case_a_cocher = CaseACocher(cle=choix.cle, unite=unite, jour=choix.date, ouverte=True)
    reservation = ctx.reservation(choix)
    if ctx.autre_foyer(reservation):
        # Garde alternée : ni cochable ni annulable ici, et rien de l'autre foyer n'est montré.
        case_a_cocher.statut, case_a_cocher.libelle = "autre-foyer", "Réservé par l'autre foyer"
        return case_a_cocher
    if reservation is not None and reservation.etat == EtatReservation.LISTE_ATTENTE:
        case_a_cocher.statut = "attente"
        case_a_cocher.libelle = texte_rang(ctx.rang_attente(choix))
        if (choix.unite_id, choix.date) in ctx.attentes_fermees:
            case_a_cocher.libelle += " (liste close)"
        case_a_cocher.attente_id = reservation.pk
        return case_a_cocher
    case_a_cocher.active = est_active(reservation)
    case_a_cocher.cochee = case_a_cocher.active
    raison = raison_blocage(ctx, choix, maintenant, suppression=case_a_cocher.active)
    if reservation is not None and case_a_cocher.active:
        etat = reservation.etat
        if suppression_en_attente(reservation):
            case_a_cocher.statut, case_a_cocher.libelle = "demandee", "Suppression en attente"
        elif etat == EtatReservation.RESERVEE:
            case_a_cocher.statut, case_a_cocher.libelle = "reservee", "✓ Réservé"
            case_a_cocher.modifiable = not raison
            if raison:
                case_a_cocher.libelle += f" — {raison.lower()}"
        elif etat == EtatReservation.DEMANDEE:
            case_a_cocher.statut, case_a_cocher.libelle = "demandee", "Demande en attente"
        else:
            case_a_cocher.statut, case_a_cocher.libelle = (
                "reservee",
                f"✓ {reservation.get_etat_display()}",
            )
        return case_a_cocher
    refusee = reservation is not None and reservation.etat == EtatReservation.REFUSEE
    case_a_cocher.refusee = refusee
    if not raison:
        restantes = ctx.places_restantes(choix.unite_id, choix.date)
        if restantes == 0:
            raison = "Complet"
            if (choix.unite_id, choix.date) not in ctx.attentes_fermees:
                case_a_cocher.attente_possible = True
    if raison:
        case_a_cocher.statut = "bloquee"
        case_a_cocher.libelle = f"Réservation refusée — {raison.lower()}" if refusee else raison
    else:
        case_a_cocher.modifiable = True
        if refusee:
            case_a_cocher.statut, case_a_cocher.libelle = "refusee", "✗ Réservation refusée"
    return case_a_cocher


def grille_periode(
    *,
    periode: Periode,
    enfants: list[Enfant],
    maintenant: datetime,
    foyer_id: int | None = None,
    ctx: Contexte | None = None,
) -> Grille:
    """La grille d'une période pour ces enfants, vue par ce foyer : une ligne par jour où une
    unité est ouverte, une case par unité."""
    ctx = ctx or charger_contexte(periode, enfants, foyer_id=foyer_id)
    jours = sorted({jour for _, jour in ctx.ouvertures})
    libelles = {jour: date_format(jour, "l j F Y") for jour in jours}
    grilles = []
    for enfant in enfants:
        lignes = []
        for jour in jours:
            cases_a_cocher = []
            for unite in ctx.unites:
                choix = Choix(enfant.pk, unite.pk, jour)
                if (unite.pk, jour) in ctx.ouvertures:
                    cases_a_cocher.append(_case_a_cocher(ctx, choix, unite, maintenant))
                else:
                    cases_a_cocher.append(
                        CaseACocher(cle=choix.cle, unite=unite, jour=jour, ouverte=False)
                    )
            lignes.append(LigneJour(jour, cases_a_cocher, libelles[jour]))
        grilles.append(GrilleEnfant(enfant, lignes, inscrit=enfant.pk in ctx.inscriptions))
    semaine: dict[int, list[tuple[str, Unite]]] = defaultdict(list)
    for unite in ctx.unites:
        for jour_semaine in sorted({j.weekday() for u, j in ctx.ouvertures if u == unite.pk}):
            semaine[jour_semaine].append((f"{jour_semaine}-{unite.pk}", unite))
    return Grille(
        periode=periode,
        unites=ctx.unites,
        enfants=grilles,
        ouverte=periode.activite.actif and periode_ouverte(periode, maintenant),
        contexte=ctx,
        semaine_type=[(j, JOURS_SEMAINE[j], semaine[j]) for j in sorted(semaine)],
    )


def periode_pour_famille(periode_id: int, aujourdhui: date) -> Periode | None:
    """Une période que les familles peuvent voir aujourd'hui, ou None."""
    periode = periodes_affichees(aujourdhui).filter(pk=periode_id).first()
    if periode is not None and not periode_affichee(periode, aujourdhui):
        return None
    return periode


def enfants_pour_la_grille(*, famille: Famille, periode: Periode, ids: set[int]) -> list[Enfant]:
    """Les enfants choisis, tous de la famille (404 sinon) ; sans choix, ses enfants inscrits
    à l'activité de la période."""
    enfants = enfants_du_foyer(famille).filter(actif=True).order_by("prenom")
    if ids:
        choisis = list(enfants.filter(pk__in=ids))
        if len(choisis) != len(ids):
            raise Http404
        return choisis
    return list(enfants.filter(inscriptions__activite=periode.activite_id).distinct())


# --- Pointage et effectifs (admin) ----------------------------------------------------

# Les enfants attendus ce jour-là : ce que la cantine doit commander.
ETATS_ATTENDUS = (EtatReservation.RESERVEE, EtatReservation.PRESENT)
EFFECTIFS_JOURS_MAX = 93


def reservations_du_jour(*, unite: Unite, jour: date):
    """Les réservations à pointer (et celles dont l'absence est en cours, pour information)."""
    return (
        Reservation.objects.filter(
            unite=unite,
            date=jour,
            etat__in=(*ETATS_POINTAGE, EtatReservation.ABSENCE_DEMANDEE),
        )
        .select_related("enfant__famille")
        .order_by("enfant__nom", "enfant__prenom", "id")
    )


@dataclass
class Effectif:
    attendus: int = 0
    en_attente: int = 0
    # Foyers sur la liste d'attente (jour complet).
    liste_attente: int = 0
    unite_id: int = 0


@dataclass
class TableauEffectifs:
    unites: list[Unite]
    lignes: list[tuple[date, list[Effectif]]]


def effectifs(*, debut: date, fin: date, activite: Activite | None = None) -> TableauEffectifs:
    """Par jour et par unité, les enfants attendus (réservé ou présent) et les demandes."""
    if fin < debut:
        raise ValidationError("La date de fin précède la date de début.")
    if (fin - debut).days >= EFFECTIFS_JOURS_MAX:
        raise ValidationError(f"Choisissez une période de {EFFECTIFS_JOURS_MAX} jours au plus.")
    unites_qs = Unite.objects.select_related("activite").filter(activite__actif=True)
    if activite is not None:
        unites_qs = unites_qs.filter(activite=activite)
    unites = sorted(unites_qs, key=lambda u: (u.activite.ordre, u.activite.nom, u.ordre, u.nom))
    comptes = {
        (ligne["date"], ligne["unite_id"]): ligne
        for ligne in Reservation.objects.filter(date__range=(debut, fin), unite__in=unites)
        .values("date", "unite_id")
        .annotate(
            attendus=Count("id", filter=Q(etat__in=ETATS_ATTENDUS)),
            en_attente=Count("id", filter=Q(etat=EtatReservation.DEMANDEE)),
            liste_attente=Count("id", filter=Q(etat=EtatReservation.LISTE_ATTENTE)),
        )
    }
    ouverts = set(
        JourOuverture.objects.filter(date__range=(debut, fin), unite__in=unites).values_list(
            "date", flat=True
        )
    )
    jours_avec = ouverts | {d for d, _ in comptes}
    lignes = []
    for jour in jours(debut, fin):
        if jour not in jours_avec:
            continue
        ligne = []
        for unite in unites:
            compte = comptes.get((jour, unite.pk))
            ligne.append(
                Effectif(
                    attendus=compte["attendus"],
                    en_attente=compte["en_attente"],
                    liste_attente=compte["liste_attente"],
                    unite_id=unite.pk,
                )
                if compte
                else Effectif(unite_id=unite.pk)
            )
        lignes.append((jour, ligne))
    return TableauEffectifs(unites=unites, lignes=lignes)


# --- Rappels avant fermeture -----------------------------------------------------------


def periodes_bientot_fermees(*, maintenant: datetime) -> QuerySet[Periode]:
    limite = maintenant + timedelta(days=settings.RAPPEL_FERMETURE_JOURS)
    aujourdhui = timezone.localdate(maintenant)
    # Une période que les familles ne voient pas encore (ou plus) n'appelle pas de rappel.
    return (
        Periode.objects.filter(
            reservable_jusqu_au__gt=maintenant,
            reservable_jusqu_au__lte=limite,
            activite__actif=True,
        )
        .filter(Q(affichee_du__isnull=True) | Q(affichee_du__lte=aujourdhui))
        .filter(Q(affichee_au__isnull=True) | Q(affichee_au__gte=aujourdhui))
        .select_related("activite")
    )


def familles_a_rappeler(*, periode: Periode) -> QuerySet[Famille]:
    """Familles dont un enfant est inscrit à l'activité sur la période, qui n'y ont encore
    rien réservé, qui ont un compte actif, acceptent les e-mails et n'ont pas déjà eu ce
    rappel."""
    inscrites = Inscription.objects.filter(
        activite_id=periode.activite_id,
        enfant__actif=True,
        date_debut__lte=periode.date_fin,
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=periode.date_debut))
    comptes_actifs = Responsable.objects.filter(compte__is_active=True)
    # Les mêmes adresses que Famille.adresses_a_ecrire : un adulte qui accepte les e-mails.
    acceptent = Responsable.objects.filter(accepte_email=True)
    ayant_reserve = Reservation.objects.filter(
        unite__activite_id=periode.activite_id,
        date__range=(periode.date_debut, periode.date_fin),
    )
    return (
        # Sans compte actif, la famille ne peut pas réserver en ligne : pas de rappel.
        Famille.objects.filter(pk__in=inscrites.values("enfant__famille_id"))
        .filter(pk__in=comptes_actifs.values("famille_id"))
        .filter(pk__in=acceptent.values("famille_id"))
        .filter(
            Q(email__gt="")
            | Q(pk__in=acceptent.filter(email__gt="").values("famille_id"))
            | Q(pk__in=acceptent.filter(compte__email__gt="").values("famille_id"))
        )
        .exclude(pk__in=ayant_reserve.values("enfant__famille_id"))
        .exclude(pk__in=RappelPeriode.objects.filter(periode=periode).values("famille_id"))
    )


# --- Liste d'attente (admin) -------------------------------------------------------------


@dataclass
class ListeAttente:
    inscrits: list[Reservation]
    fermee: bool
    occupees: int
    places_libres: int | None


def liste_attente_du_jour(*, unite: Unite, jour: date) -> ListeAttente:
    """Les foyers en attente d'un jour, dans l'ordre, et les places (3 requêtes)."""
    inscrits = list(
        Reservation.objects.filter(unite=unite, date=jour, etat=EtatReservation.LISTE_ATTENTE)
        .select_related("enfant__famille", "demande")
        .order_by("rang_attente", "id")
    )
    fermee = JourOuverture.objects.filter(unite=unite, date=jour, attente_fermee=True).exists()
    occupees = Reservation.objects.filter(
        unite=unite, date=jour, etat__in=ETATS_OCCUPANT_UNE_PLACE
    ).count()
    libres = None if unite.capacite is None else max(unite.capacite - occupees, 0)
    return ListeAttente(inscrits=inscrits, fermee=fermee, occupees=occupees, places_libres=libres)
