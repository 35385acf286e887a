"""Le calendrier de la commune : jours fériés, vacances scolaires, jours d'ouverture.

Les jours fériés viennent de ``holidays`` (France métropolitaine), les vacances scolaires de
``vacances-scolaires-france`` (données embarquées dans le paquet, aucune requête réseau),
pour la zone de la commune (Configuration.zone_scolaire).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.core.exceptions import ValidationError
from django.utils import timezone
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from portail.noyau.configuration import configuration_courante
from portail.noyau.formats import MOIS

from .models import Activite, RegleFermeture, Unite

GRANDES_VACANCES = "Vacances d'été"


@dataclass(frozen=True)
class Vacances:
    nom: str
    grandes: bool

    @property
    def libelle(self) -> str:
        return "Grandes vacances" if self.grandes else "Petites vacances"


def jours(debut: date, fin: date) -> list[date]:
    return [debut + timedelta(days=i) for i in range((fin - debut).days + 1)]


@lru_cache(maxsize=32)
def _feries_annee(annee: int) -> dict[date, str]:
    return dict(holidays.country_holidays("FR", years=annee, language="fr").items())


def jours_feries(debut: date, fin: date) -> dict[date, str]:
    """Les jours fériés entre deux dates (incluses) : {date: nom}."""
    resultat: dict[date, str] = {}
    for annee in range(debut.year, fin.year + 1):
        resultat.update(
            {jour: nom for jour, nom in _feries_annee(annee).items() if debut <= jour <= fin}
        )
    return resultat


@lru_cache(maxsize=1)
def _calendrier_scolaire() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@lru_cache(maxsize=64)
def _vacances_annee(annee: int, zone: str) -> dict[date, Vacances]:
    """Les jours de vacances d'une année civile (gardés en mémoire du processus : le paquet
    reconstruit ce dictionnaire à chaque appel, ~0,5 ms par page du planning)."""
    try:
        jours_annee = _calendrier_scolaire().holidays_for_year_and_zone(annee, zone)
    except UnsupportedYearException:
        return {}
    return {
        jour: Vacances(nom=ligne["nom_vacances"], grandes=ligne["nom_vacances"] == GRANDES_VACANCES)
        for jour, ligne in jours_annee.items()
    }


def vacances_scolaires(debut: date, fin: date, zone: str) -> dict[date, Vacances]:
    """Les jours de vacances scolaires de la zone entre deux dates : {date: Vacances}.

    Les années que le paquet ne connaît pas n'ont pas de vacances (et le disent dans
    ``jours_de_classe``) : le portail reste utilisable, l'opérateur met le paquet à jour.
    """
    resultat: dict[date, Vacances] = {}
    for annee in range(debut.year, fin.year + 1):
        resultat.update(
            {jour: v for jour, v in _vacances_annee(annee, zone).items() if debut <= jour <= fin}
        )
    return resultat


def zone_de_la_commune() -> str:
    return configuration_courante().zone_scolaire


def jours_de_classe(libelle: str) -> tuple[date, date]:
    """« 2026-2027 » → (jour de la rentrée, dernier jour avant les grandes vacances).

    Les dates viennent des données du paquet : la rentrée est le premier jour qui suit les
    vacances d'été de la première année, la fin la veille des vacances d'été suivantes.
    """
    try:
        premiere, seconde = (int(x) for x in libelle.strip().split("-"))
    except ValueError as exc:
        raise ValidationError(
            f"« {libelle} » n'est pas une année scolaire : écrivez par exemple 2026-2027."
        ) from exc
    if seconde != premiere + 1:
        raise ValidationError(
            f"« {libelle} » n'est pas une année scolaire : écrivez par exemple 2026-2027."
        )
    calendrier = _calendrier_scolaire()
    try:
        ete_1 = calendrier.holiday_for_year_by_name(premiere, GRANDES_VACANCES)
        ete_2 = calendrier.holiday_for_year_by_name(seconde, GRANDES_VACANCES)
    except UnsupportedYearException as exc:
        raise ValidationError(
            f"Le calendrier scolaire {libelle} n'est pas encore connu du portail "
            "(mettez à jour le paquet vacances-scolaires-france)."
        ) from exc
    if not ete_1 or not ete_2:
        raise ValidationError(f"Le calendrier scolaire {libelle} est incomplet.")
    rentree = max(ete_1) + timedelta(days=1)
    fin = min(ete_2) - timedelta(days=1)
    return rentree, fin


def mois_entre(debut: date, fin: date) -> list[tuple[date, date]]:
    """Les mois (premier et dernier jour, bornés à [debut, fin]) entre deux dates."""
    mois = []
    courant = debut.replace(day=1)
    while courant <= fin:
        suivant = (courant + timedelta(days=32)).replace(day=1)
        mois.append((max(courant, debut), min(suivant - timedelta(days=1), fin)))
        courant = suivant
    return mois


def nom_periode(activite: Activite, debut: date, fin: date) -> str:
    return (
        f"{activite.nom.upper()} {MOIS[debut.month - 1].upper()} {debut.year}, "
        f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}"
    )


# --- Jours d'ouverture -------------------------------------------------------------------


def dates_ouvertes(
    *,
    activite: Activite,
    unite: Unite,
    debut: date,
    fin: date,
    zone: str,
    fermetures: set[date],
    compteur: Counter | None = None,
) -> list[date]:
    """Les dates où l'unité ouvre : ses jours de semaine, moins fériés, vacances, fermetures."""
    compteur = compteur if compteur is not None else Counter()
    feries = jours_feries(debut, fin)
    vacances = {} if activite.ouverte_vacances else vacances_scolaires(debut, fin, zone)
    semaine = unite.jours_semaine
    resultat = []
    for jour in jours(debut, fin):
        if jour.weekday() not in semaine:
            continue
        if jour in feries:
            compteur["feries"] += 1
        elif jour in vacances:
            compteur["vacances"] += 1
        elif jour in fermetures:
            compteur["fermetures"] += 1
        else:
            resultat.append(jour)
    return resultat


def fin_des_reservations(debut_mois: date, regle: str = RegleFermeture.VINGT) -> datetime | None:
    """Le dernier instant où une période mensuelle accepte des demandes (heure de Paris) :
    le 20 du mois précédent à 23:59, ou (règle de Carnin) le dimanche qui précède le lundi
    de la dernière semaine du mois précédent, à 23:59 ; None sans fermeture."""
    veille_du_mois = debut_mois.replace(day=1) - timedelta(days=1)
    if regle == RegleFermeture.AUCUNE:
        return None
    if regle == RegleFermeture.DERNIERE_SEMAINE:
        lundi = veille_du_mois - timedelta(days=veille_du_mois.weekday())
        jour = lundi - timedelta(days=1)
    else:
        jour = veille_du_mois.replace(day=20)
    return timezone.make_aware(datetime.combine(jour, time(23, 59)))
