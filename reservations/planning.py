"""Sélecteurs du planning d'un enfant : un mois, activités × jours, en un nombre fixe de requêtes.

Chaque case porte un état lisible sans couleur : un symbole, et son libellé pour les lecteurs
d'écran (la légende reprend celle du guide de Haisnes).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portail.noyau.adresses import adresse_fixe, modele_adresse, prefixe_et_urlconf
from portail.noyau.formats import JOURS, MOIS, format_date
from portail.noyau.lectures import lecture_compilee
from portail.noyau.memoire import en_memoire, suivre

from .calendrier import jours, jours_feries, vacances_scolaires, zone_de_la_commune
from .models import (
    Absence,
    Activite,
    EtatReservation,
    Fermeture,
    Inscription,
    JourOuverture,
    Periode,
    Reservation,
    Unite,
)
from .regles import (
    date_limite,
    est_active,
    periode_affichee,
    periode_ouverte,
    suppression_en_attente,
)
from .services import absence_declarable

# Les unités et leurs activités, les périodes et les fermetures d'un mois : données de la
# commune, gardées par processus jusqu'au prochain enregistrement d'une ligne de l'un de ces
# modèles (portail.noyau.memoire).
MODELES_UNITES = suivre(Unite, Activite)
MODELES_CALENDRIER = suivre(Periode, Fermeture)


def _unites_de_la_commune() -> dict[int, Unite]:
    """Toutes les unités avec leur activité (une requête par processus) : le planning n'y
    écrit rien, elles sont partagées entre les requêtes."""
    return en_memoire(
        "reservations:unites",
        lambda: {u.pk: u for u in Unite.objects.select_related("activite").order_by()},
        modeles=MODELES_UNITES,
    )


@dataclass(frozen=True)
class MoisDeLaCommune:
    """Les périodes et les fermetures d'un mois, de toutes les activités : les mêmes pour toutes
    les familles (le planning de chaque enfant y prend celles de ses activités)."""

    periodes: list[Periode]  # rangées par date de début
    # (activité, jour) → motif ; activité None : une fermeture de toutes les activités.
    fermetures: dict[tuple[int | None, date], str]


def _mois_de_la_commune(debut: date, fin: date) -> MoisDeLaCommune:
    return en_memoire(
        ("reservations:mois", debut),
        lambda: MoisDeLaCommune(
            periodes=list(_periodes_du_mois(debut=debut, fin=fin)),
            fermetures={
                (activite_id, jour): motif
                for activite_id, jour, motif in _fermetures_du_mois(debut=debut, fin=fin)
            },
        ),
        modeles=MODELES_CALENDRIER,
    )


JOURS_COURTS = ["Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di"]


@dataclass(frozen=True)
class Etat:
    code: str
    symbole: str
    libelle: str


# Le menu ouvert par une case (static/js/planning.js).
MENU_ABSENCE, MENU_RESERVER = "absence", "reserver"

# La légende, dans l'ordre du guide de Haisnes.
RESERVE = Etat("reservee", "✓", "Réservé")
# « ☺ » : présent sur la journée réservée (le pointage ne porte que sur un jour réservé).
PRESENT = Etat("present", "☺", "Présent (jour réservé)")
ABSENT_EXCUSE = Etat("absent_excuse", "AE", "Absent excusé")
ABSENT_FACTURE = Etat("absent_facture", "AF", "Absent facturé")
DEMANDE = Etat("demandee", "?", "Demande en attente")
# Un jour réservé dont la suppression est demandée et pas encore traitée par la mairie.
EN_TRAITEMENT = Etat("en_traitement", "✓?", "Réservation en cours de traitement")
REFUSEE = Etat("refusee", "✗", "Réservation refusée")
ABSENCE_DEMANDEE = Etat("absence_demandee", "A?", "Absence en cours de traitement")
LISTE_ATTENTE = Etat("liste_attente", "LA", "Liste d'attente")
FERMETURE = Etat("fermeture", "F", "Fermeture")
FERIE = Etat("ferie", "JF", "Jour férié")
PETITES_VACANCES = Etat("petites_vacances", "PV", "Petites vacances")
GRANDES_VACANCES = Etat("grandes_vacances", "GV", "Grandes vacances")
OUVERT = Etat("ouvert", "+", "Ouvert, non réservé")
FERME = Etat("ferme", "", "Pas d'accueil ce jour")
PASSE = Etat("passe", "", "Jour passé, non réservé")
AUTRE_FOYER = Etat("autre_foyer", "⇄", "Réservé par l'autre foyer")

LEGENDE = [
    RESERVE,
    PRESENT,
    ABSENT_EXCUSE,
    ABSENT_FACTURE,
    DEMANDE,
    EN_TRAITEMENT,
    REFUSEE,
    ABSENCE_DEMANDEE,
    LISTE_ATTENTE,
    FERMETURE,
    FERIE,
    PETITES_VACANCES,
    GRANDES_VACANCES,
    OUVERT,
    AUTRE_FOYER,
]
PAR_ETAT_RESERVATION = {
    EtatReservation.RESERVEE: RESERVE,
    EtatReservation.PRESENT: PRESENT,
    EtatReservation.ABSENT_EXCUSE: ABSENT_EXCUSE,
    EtatReservation.ABSENT_FACTURE: ABSENT_FACTURE,
    EtatReservation.DEMANDEE: DEMANDE,
    EtatReservation.REFUSEE: REFUSEE,
    EtatReservation.ABSENCE_DEMANDEE: ABSENCE_DEMANDEE,
    EtatReservation.LISTE_ATTENTE: LISTE_ATTENTE,
}


@dataclass(slots=True)
class Case:
    """Une case de la grille, avec les textes qu'elle écrit
    (templates/reservations/planning_grille.jinja) : Jinja2 les échappe."""

    date: date
    etat: Etat
    iso: str  # la date pour static/js/planning.js et les tests
    titre: str
    url: str = ""  # la page ouverte par la case (réserver, déclarer une absence)
    aria: str = ""
    menu: str = ""  # le menu ouvert par la case (static/js/planning.js)


def _case_du_jour(
    *,
    jour: date,
    iso: str,
    le_jour: str,
    etat: Etat,
    detail: str,
    url: str,
    action: str,
    ligne: str,
) -> Case:
    if not url:
        titre = f"{etat.libelle} ({detail})" if detail else etat.libelle
        return Case(date=jour, etat=etat, iso=iso, titre=titre)
    return Case(
        date=jour,
        etat=etat,
        iso=iso,
        titre=f"{etat.libelle} : {action}",
        url=url,
        aria=f"{etat.libelle} le {le_jour}, {ligne} : {action}",
        menu=MENU_ABSENCE if action == DECLARER else MENU_RESERVER,
    )


@dataclass
class LignePlanning:
    unite: Unite
    cases: list[Case]

    @property
    def libelle(self) -> str:
        return libelle_ligne(self.unite)


def libelle_ligne(unite: Unite) -> str:
    return f"{unite.activite.nom} — {unite.nom}"


@dataclass
class JourEntete:
    date: date
    court: str
    long: str
    ferie: str = ""
    vacances: str = ""
    aujourdhui: bool = False

    @property
    def classes(self) -> str:
        classes = "planning-jour"
        if self.ferie:
            classes += " entete-ferie"
        elif self.vacances:
            classes += " entete-vacances"
        if self.aujourdhui:
            classes += " entete-aujourdhui"
        return classes

    @property
    def titre(self) -> str:
        titre = self.long
        if self.ferie:
            titre += " — " + self.ferie
        if self.vacances:
            titre += " — " + self.vacances
        return titre


@dataclass
class Planning:
    enfant: object
    mois: date
    precedent: date
    suivant: date
    entetes: list[JourEntete]
    lignes: list[LignePlanning]
    absences: list[Absence] = field(default_factory=list)

    @property
    def titre_mois(self) -> str:
        return f"{MOIS[self.mois.month - 1]} {self.mois.year}"


def bornes_mois(annee: int, mois: int) -> tuple[date, date]:
    debut = date(annee, mois, 1)
    fin = (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return debut, fin


DECLARER = "déclarer une absence"


def _url_reserver(reserver: str, enfant_id: int, periode_id: int, unite_id: int, iso: str) -> str:
    # Le jour (ISO) et l'unité : la page Réservations pré-coche cette case (le service vérifie).
    return f"{reserver}?periode={periode_id}&enfant={enfant_id}&unite={unite_id}&jour={iso}"


def planning_mois(*, enfant, annee: int, mois: int, foyer_id: int | None = None) -> Planning:
    """Le planning d'un enfant (déjà vérifié comme étant de la famille) pour un mois, vu par
    ce foyer : en garde alternée, les jours de l'autre foyer sont « Réservé par l'autre
    foyer », sans lien ni détail, et ses absences ne sont pas listées."""
    debut, fin = bornes_mois(annee, mois)
    aujourdhui = timezone.localdate()
    zone = zone_de_la_commune()
    feries = jours_feries(debut, fin)
    vacances = vacances_scolaires(debut, fin, zone)

    # Les unités des activités actives où l'enfant est inscrit ce mois-ci : ses activités en
    # une requête sans jointure, les unités prises dans celles de la commune.
    inscrites = set(_activites_inscrites(enfant_id=enfant.pk, debut=debut, fin=fin))
    de_la_commune = _unites_de_la_commune()
    unites: dict[int, Unite] = {
        pk: unite
        for pk, unite in de_la_commune.items()
        if unite.activite_id in inscrites and unite.activite.actif
    }
    reservations = _reservations_du_mois(enfant_id=enfant.pk, debut=debut, fin=fin)
    # Un jour réservé hors des inscriptions du mois (inscription close depuis) : son unité.
    hors_inscriptions = {r.unite_id for r in reservations} - unites.keys()
    unites.update({pk: de_la_commune[pk] for pk in hors_inscriptions if pk in de_la_commune})
    if hors_inscriptions - unites.keys():  # créée depuis la copie de ce processus
        unites.update(Unite.objects.select_related("activite").in_bulk(list(hors_inscriptions)))
    ordonnees = sorted(
        unites.values(), key=lambda u: (u.activite.ordre, u.activite.nom, u.ordre, u.nom)
    )
    activites = {u.activite_id: u.activite for u in ordonnees}

    ouverts = set(_jours_ouverts(unites=sorted(unites), debut=debut, fin=fin))
    de_la_commune_ce_mois = _mois_de_la_commune(debut, fin)
    fermetures = de_la_commune_ce_mois.fermetures
    periodes = [p for p in de_la_commune_ce_mois.periodes if p.activite_id in activites]
    maintenant = timezone.now()
    par_case = {(r.unite_id, r.date): r for r in reservations}
    # Les adresses des cases : le reverse() fait une fois par processus (portail.noyau.adresses).
    prefixe, urlconf = prefixe_et_urlconf()
    reserver = adresse_fixe("reservations:reserver", prefixe, urlconf)
    avant, apres = modele_adresse("reservations:absence_declarer", 1, prefixe, urlconf)

    def periode_a_reserver(activite_id: int, jour: date) -> int | None:
        # Les mêmes règles que la page Réservations : période affichée et encore ouverte.
        for periode in periodes:
            if (
                periode.activite_id == activite_id
                and periode.date_debut <= jour <= periode.date_fin
                and periode_affichee(periode, aujourdhui)
                and periode_ouverte(periode, maintenant)
            ):
                return periode.pk
        return None

    # Calculés une fois par page et non par case (6 lignes × 31 jours).
    les_jours = jours(debut, fin)
    iso = {jour: jour.isoformat() for jour in les_jours}
    le_jour = {jour: format_date(jour) for jour in les_jours}
    lignes = []
    for unite in ordonnees:
        activite = activites[unite.activite_id]
        activite_id, unite_id = unite.activite_id, unite.pk
        vacances_de_l_activite = {} if activite.ouverte_vacances else vacances
        ligne = libelle_ligne(unite)
        cases = []
        for jour in les_jours:
            trouvee = par_case.get((unite_id, jour))
            if trouvee is not None and foyer_id is not None and trouvee.famille_id != foyer_id:
                if est_active(trouvee):
                    etat = AUTRE_FOYER
                    cases.append(Case(date=jour, etat=etat, iso=iso[jour], titre=etat.libelle))
                    continue
                trouvee = None  # refusé ou excusé chez l'autre foyer : libre pour celui-ci
            etat, detail = _etat(
                reservation=trouvee,
                ouvert=(unite_id, jour) in ouverts,
                fermeture=fermetures.get((activite_id, jour), fermetures.get((None, jour))),
                ferie=feries.get(jour),
                vacances=vacances_de_l_activite.get(jour),
                passe=jour < aujourdhui,
            )
            url = action = ""
            if trouvee is not None and absence_declarable(trouvee, aujourdhui=aujourdhui):
                url = f"{avant}{trouvee.pk}{apres}"
                action = DECLARER
            elif etat is OUVERT and maintenant < date_limite(activite, jour):
                periode_id = periode_a_reserver(activite_id, jour)
                if periode_id is not None:
                    url = _url_reserver(reserver, enfant.pk, periode_id, unite_id, iso[jour])
                    action = "réserver"
            cases.append(
                _case_du_jour(
                    jour=jour,
                    iso=iso[jour],
                    le_jour=le_jour[jour],
                    etat=etat,
                    detail=detail,
                    url=url,
                    action=action,
                    ligne=ligne,
                )
            )
        lignes.append(LignePlanning(unite=unite, cases=cases))

    entetes = [
        JourEntete(
            date=jour,
            court=f"{JOURS_COURTS[jour.weekday()]} {jour.day:02d}",
            long=f"{JOURS[jour.weekday()]} {le_jour[jour]}",
            ferie=feries.get(jour, ""),
            vacances=vacances[jour].libelle if jour in vacances else "",
            aujourdhui=jour == aujourdhui,
        )
        for jour in les_jours
    ]
    # Les absences des jours réservés du mois par ce foyer, lues seulement s'il y en a (la
    # lecture des réservations le dit) : leur réservation et son unité sont déjà lues.
    du_foyer = {
        r.pk: r
        for r in reservations
        if r.a_une_absence and (foyer_id is None or r.famille_id == foyer_id)
    }
    absences = _absences_des_reservations(reservations=sorted(du_foyer)) if du_foyer else []
    for declaree in absences:
        declaree.reservation = du_foyer[declaree.reservation_id]
        declaree.reservation.unite = unites[declaree.reservation.unite_id]
    absences.sort(key=lambda a: (a.reservation.date, a.pk))
    return Planning(
        enfant=enfant,
        mois=debut,
        precedent=(debut - timedelta(days=1)).replace(day=1),
        suivant=fin + timedelta(days=1),
        entetes=entetes,
        lignes=lignes,
        absences=absences,
    )


# Les lectures du planning, compilées une fois par processus (portail.noyau.lectures) ; sans
# l'ordre du modèle (jour, puis unité, puis activité : deux jointures) : rangées par case.


@lecture_compilee
def _activites_inscrites(enfant_id: int, debut: date, fin: date):
    return (
        Inscription.objects.filter(
            Q(date_fin__isnull=True) | Q(date_fin__gte=debut),
            enfant_id=enfant_id,
            date_debut__lte=fin,
        )
        .order_by()
        .values_list("activite_id", flat=True)
    )


@lecture_compilee
def _reservations_du_mois(enfant_id: int, debut: date, fin: date):
    return (
        Reservation.objects.filter(enfant_id=enfant_id, date__range=(debut, fin))
        .select_related("demande")
        .annotate(a_une_absence=Exists(Absence.objects.filter(reservation=OuterRef("pk"))))
        .order_by()
    )


@lecture_compilee
def _jours_ouverts(unites: list[int], debut: date, fin: date):
    return (
        JourOuverture.objects.filter(unite_id__in=unites, date__range=(debut, fin))
        .order_by()
        .values_list("unite_id", "date")
    )


def _fermetures_du_mois(debut: date, fin: date):
    return (
        Fermeture.objects.filter(date__range=(debut, fin))
        .order_by()
        .values_list("activite_id", "date", "motif")
    )


def _periodes_du_mois(debut: date, fin: date):
    return (
        Periode.objects.filter(date_debut__lte=fin, date_fin__gte=debut)
        .order_by("date_debut")  # l'ordre du modèle pour une même activité, sans jointure
        .only(
            "id",
            "activite_id",
            "date_debut",
            "date_fin",
            "affichee_du",
            "affichee_au",
            "reservable_jusqu_au",
        )
    )


@lecture_compilee
def _absences_des_reservations(reservations: list[int]):
    return (
        Absence.objects.filter(reservation_id__in=reservations).select_related("demande").order_by()
    )


def _etat(
    *,
    reservation: Reservation | None,
    ouvert: bool,
    fermeture: str | None,
    ferie: str | None,
    vacances,
    passe: bool,
) -> tuple[Etat, str]:
    """L'état d'une case et son détail (motif de fermeture, nom du jour férié ou des vacances)."""
    if reservation is not None:
        if suppression_en_attente(reservation):
            return EN_TRAITEMENT, ""
        return PAR_ETAT_RESERVATION[EtatReservation(reservation.etat)], ""
    if fermeture is not None:
        return FERMETURE, fermeture
    if ferie:
        return FERIE, ferie
    if vacances is not None:
        return (GRANDES_VACANCES if vacances.grandes else PETITES_VACANCES), vacances.nom
    if ouvert:
        return (PASSE if passe else OUVERT), ""
    return FERME, ""
