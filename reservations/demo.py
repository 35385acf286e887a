"""Activités de démonstration : CANTINE, GARDERIE et ALSH MERCREDI, trois mois de périodes,
Lise et Hugo inscrits, et des réservations validées de Lise ce mois-ci (idempotent)."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demandes.models import Demande
from demandes.services import Ligne, demande_accepter, demande_creer
from familles.models import Enfant
from portail.configuration import configuration_courante
from portail.models import User

from .models import (
    Activite,
    EtatReservation,
    Inscription,
    JourOuverture,
    Periode,
    Reservation,
    TypeActivite,
    Unite,
    Validation,
)
from .regles import est_ferie
from .services import AJOUT, TYPE_DEMANDE, libelle_ligne, resume_demande

MOIS = [
    "JANVIER",
    "FÉVRIER",
    "MARS",
    "AVRIL",
    "MAI",
    "JUIN",
    "JUILLET",
    "AOÛT",
    "SEPTEMBRE",
    "OCTOBRE",
    "NOVEMBRE",
    "DÉCEMBRE",
]

# Activité → (réglages, [(unité, jours de la semaine, capacité)]) ; lundi = 0.
ACTIVITES: dict[str, tuple[dict, list[tuple[str, tuple[int, ...], int | None]]]] = {
    "CANTINE": (
        {"type": TypeActivite.CANTINE, "ordre": 1, "validation": Validation.MANUELLE},
        [("Repas", (0, 1, 3, 4), None)],
    ),
    "GARDERIE": (
        {
            "type": TypeActivite.PERISCOLAIRE,
            "ordre": 2,
            "validation": Validation.AUTOMATIQUE,
            "delai_ajout_jours": 1,
            "delai_suppression_jours": 1,
            "heure_limite": time(12, 0),
        },
        [("Matin", (0, 1, 3, 4), None), ("Soir", (0, 1, 3, 4), None)],
    ),
    "ALSH MERCREDI": (
        {"type": TypeActivite.ALSH, "ordre": 3, "validation": Validation.MANUELLE},
        [("Journée", (2,), 24), ("Matin", (2,), 24), ("Après-midi", (2,), 24)],
    ),
}


def _debut_mois(jour: date, decalage: int) -> date:
    mois = jour.month - 1 + decalage
    return date(jour.year + mois // 12, mois % 12 + 1, 1)


def _vacances_scolaires(zone: str):
    """Les jours de vacances scolaires de la zone (paquet vacances-scolaires-france)."""
    from vacances_scolaires_france import SchoolHolidayDates

    donnees = SchoolHolidayDates()

    def est_en_vacances(jour: date) -> bool:
        try:
            return bool(donnees.is_holiday_for_zone(jour, zone))
        except Exception:  # année absente des données du paquet : pas de vacances connues
            return False

    return est_en_vacances


def _jours_ouverture(unite: Unite, jours_semaine: tuple, debut: date, fin: date, vacances) -> int:
    # À l'intégration : remplacer par le service de calendrier de h3b
    # (reservations/calendrier.py), qui génère les mêmes jours à partir des jours de la
    # semaine de l'unité, des jours fériés, des vacances scolaires et des fermetures.
    jours = []
    jour = debut
    while jour <= fin:
        if jour.weekday() in jours_semaine and not est_ferie(jour) and not vacances(jour):
            jours.append(JourOuverture(unite=unite, date=jour))
        jour += timedelta(days=1)
    JourOuverture.objects.bulk_create(jours, ignore_conflicts=True)
    return len(jours)


def _activites(aujourdhui: date) -> dict[str, dict[str, Unite]]:
    vacances = _vacances_scolaires(configuration_courante().zone_scolaire)
    fuseau = timezone.get_current_timezone()
    unites_par_activite: dict[str, dict[str, Unite]] = {}
    for nom, (reglages, unites) in ACTIVITES.items():
        activite, _ = Activite.objects.get_or_create(nom=nom, defaults=reglages)
        par_nom = {}
        for ordre, (nom_unite, jours_semaine, capacite) in enumerate(unites):
            unite, _ = Unite.objects.get_or_create(
                activite=activite, nom=nom_unite, defaults={"ordre": ordre, "capacite": capacite}
            )
            par_nom[nom_unite] = (unite, jours_semaine)
        if "Journée" in par_nom:
            journee = par_nom["Journée"][0]
            journee.incompatibles.add(par_nom["Matin"][0], par_nom["Après-midi"][0])
        for decalage in range(3):
            debut = _debut_mois(aujourdhui, decalage)
            fin = debut.replace(day=calendar.monthrange(debut.year, debut.month)[1])
            # Le mois M+2 ferme aux réservations le 24 du mois M+1 (« avant la dernière
            # semaine du mois en cours ») ; les deux premiers restent ouverts jusqu'à la fin.
            fermeture = (
                datetime.combine(_debut_mois(aujourdhui, 1).replace(day=24), time(23, 59))
                if decalage == 2
                else datetime.combine(fin, time(23, 59))
            )
            Periode.objects.get_or_create(
                activite=activite,
                date_debut=debut,
                date_fin=fin,
                defaults={
                    "nom": f"{nom} {MOIS[debut.month - 1]} {debut.year}",
                    "affichee_au": fin,
                    "reservable_jusqu_au": fermeture.replace(tzinfo=fuseau),
                },
            )
            for unite, jours_semaine in par_nom.values():
                _jours_ouverture(unite, jours_semaine, debut, fin, vacances)
        unites_par_activite[nom] = {n: u for n, (u, _) in par_nom.items()}
    return unites_par_activite


def _reservations_validees_de_lise(lise: Enfant, repas: Unite, aujourdhui: date) -> None:
    """Une demande passée, traitée par l'agent : les repas du mois en cours."""
    debut = _debut_mois(aujourdhui, 0)
    periode = Periode.objects.get(activite=repas.activite, date_debut=debut)
    if Reservation.objects.filter(enfant=lise, unite=repas, date__gte=debut).exists():
        return
    jours = list(
        JourOuverture.objects.filter(
            unite=repas, date__range=(periode.date_debut, periode.date_fin)
        ).values_list("date", flat=True)
    )
    if not jours:
        return
    demande = demande_creer(
        famille=lise.famille,
        type=TYPE_DEMANDE,
        resume=resume_demande(periode, lise, len(jours), 0),
        lignes=[
            Ligne(
                libelle=libelle_ligne(AJOUT, jour, repas),
                champ=repas.nom,
                ancienne_valeur="Non réservé",
                nouvelle_valeur="Réservé",
                donnees={
                    "action": AJOUT,
                    "enfant": lise.pk,
                    "unite": repas.pk,
                    "date": jour.isoformat(),
                },
            )
            for jour in jours
        ],
        personne=f"{lise.prenom} {lise.nom}",
        cible=lise,
        donnees={"periode": periode.pk, "enfant": lise.pk},
    )
    Reservation.objects.bulk_create(
        Reservation(
            enfant=lise, unite=repas, date=jour, etat=EtatReservation.DEMANDEE, demande=demande
        )
        for jour in jours
    )
    demande_accepter(demande=demande, agent=User.objects.filter(username="agent").first())
    # Elle date d'avant le début du mois, comme une vraie demande.
    envoyee = timezone.make_aware(datetime.combine(debut - timedelta(days=10), time(20, 5)))
    Demande.objects.filter(pk=demande.pk).update(
        cree_le=envoyee, traite_le=envoyee + timedelta(days=1, hours=-10)
    )


def charger() -> list[str]:
    aujourdhui = timezone.localdate()
    unites = _activites(aujourdhui)
    debut_annee = date(aujourdhui.year - (aujourdhui.month < 9), 9, 1)
    lise = Enfant.objects.filter(famille__numero="1001", prenom="Lise").first()
    hugo = Enfant.objects.filter(famille__numero="1002", prenom="Hugo").first()
    for enfant, activites in ((lise, ACTIVITES.keys()), (hugo, ("CANTINE", "ALSH MERCREDI"))):
        if enfant is None:
            continue
        for nom in activites:
            Inscription.objects.get_or_create(
                enfant=enfant,
                activite=Activite.objects.get(nom=nom),
                defaults={"date_debut": debut_annee},
            )
    if lise is not None:
        _reservations_validees_de_lise(lise, unites["CANTINE"]["Repas"], aujourdhui)
    return [
        "Réservations : CANTINE (validation par l'agent), GARDERIE (automatique), "
        "ALSH MERCREDI (24 places) sur trois mois ; Lise (DUPONT) et Hugo (MARTIN) inscrits"
    ]
