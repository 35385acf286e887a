"""Activités de démonstration : CANTINE, GARDERIE et ALSH MERCREDI, trois mois de périodes,
Lise et Hugo inscrits, et des réservations validées de Lise ce mois-ci (idempotent)."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demandes.models import Demande
from demandes.services import Ligne, demande_accepter, demande_creer
from familles.models import Enfant
from portail.noyau.annee_scolaire import annee_scolaire
from portail.noyau.formats import JOURS, MOIS
from portail.noyau.models import User

from . import demo_attente
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
from .services import AJOUT, TYPE_DEMANDE, jours_ouverture_generer, libelle_ligne, resume_demande

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


def _jours_semaine(jours_semaine: tuple) -> dict[str, bool]:
    return {nom: i in jours_semaine for i, nom in enumerate(JOURS)}


def _activites(aujourdhui: date) -> dict[str, dict[str, Unite]]:
    fuseau = timezone.get_current_timezone()
    unites_par_activite: dict[str, dict[str, Unite]] = {}
    for nom, (reglages, unites) in ACTIVITES.items():
        activite, _ = Activite.objects.get_or_create(nom=nom, defaults=reglages)
        par_nom = {}
        for ordre, (nom_unite, jours_semaine, capacite) in enumerate(unites):
            unite, _ = Unite.objects.get_or_create(
                activite=activite,
                nom=nom_unite,
                defaults={"ordre": ordre, "capacite": capacite, **_jours_semaine(jours_semaine)},
            )
            par_nom[nom_unite] = (unite, jours_semaine)
        if "Journée" in par_nom:
            journee = par_nom["Journée"][0]
            if not journee.incompatibles.exists():  # add() répété ajouterait de l'historique
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
            periode, _ = Periode.objects.get_or_create(
                activite=activite,
                date_debut=debut,
                date_fin=fin,
                defaults={
                    "nom": f"{nom} {MOIS[debut.month - 1].upper()} {debut.year}",
                    "affichee_au": fin,
                    "reservable_jusqu_au": fermeture.replace(tzinfo=fuseau),
                },
            )
            periode.activite = activite
            jours_ouverture_generer(periode=periode)
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
        activite=repas.activite.nom,
        cible=lise,
        donnees={"periode": periode.pk, "enfant": lise.pk},
    )
    Reservation.objects.bulk_create(
        Reservation(
            enfant=lise,
            famille=lise.famille,
            unite=repas,
            date=jour,
            etat=EtatReservation.DEMANDEE,
            demande=demande,
        )
        for jour in jours
    )
    demande_accepter(demande=demande, agent=User.objects.filter(username="agent").first())
    # Elle date d'avant le début du mois, comme une vraie demande.
    envoyee = timezone.make_aware(datetime.combine(debut - timedelta(days=10), time(20, 5)))
    Demande.objects.filter(pk=demande.pk).update(
        cree_le=envoyee, traite_le=envoyee + timedelta(days=1, hours=-10)
    )


def _jour_de_hugo_chez_martin(hugo: Enfant, repas: Unite, aujourdhui: date) -> None:
    """Garde alternée : MARTIN a réservé le premier repas du mois prochain pour Hugo ; chez
    Paul BERNARD, ce jour se voit « Réservé par l'autre foyer ». La CANTINE d'Hugo est
    facturée au foyer qui réserve (pas de règle FoyerFacture)."""
    debut = _debut_mois(aujourdhui, 1)
    premier = (
        JourOuverture.objects.filter(
            unite=repas, date__gte=debut, date__lt=_debut_mois(aujourdhui, 2)
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if premier is None:
        return
    Reservation.objects.get_or_create(
        enfant=hugo,
        unite=repas,
        date=premier,
        defaults={"famille": hugo.famille, "etat": EtatReservation.RESERVEE},
    )


def charger() -> list[str]:
    aujourdhui = timezone.localdate()
    unites = _activites(aujourdhui)
    debut_annee = annee_scolaire(aujourdhui).debut
    lise = Enfant.objects.filter(famille__numero="1001", prenom="Lise").first()
    hugo = Enfant.objects.filter(famille__numero="1002", prenom="Hugo").first()
    leo = Enfant.objects.filter(famille__numero="1001", prenom="Léo").first()
    for enfant, activites in (
        (lise, ACTIVITES.keys()),
        (hugo, ("CANTINE", "ALSH MERCREDI")),
        (leo, ("GARDERIE",)),
    ):
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
    if hugo is not None:
        _jour_de_hugo_chez_martin(hugo, unites["CANTINE"]["Repas"], aujourdhui)
    return [
        "Réservations : CANTINE (validation par l'agent), GARDERIE (automatique), "
        "ALSH MERCREDI (24 places) sur trois mois ; Lise et Léo (DUPONT), Hugo (MARTIN et "
        "BERNARD, garde alternée) inscrits ; un repas d'Hugo réservé par MARTIN le mois prochain",
        demo_attente.charger(),
    ]
