"""La démo des réservations : relancée, elle ne crée rien en double."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils import timezone

from demandes.models import Demande, StatutDemande
from reservations.models import (
    Activite,
    EtatReservation,
    Inscription,
    JourOuverture,
    Periode,
    Reservation,
    Validation,
)


def _compter():
    return [
        m.objects.count()
        for m in (Activite, Periode, JourOuverture, Inscription, Reservation, Demande)
    ]


@time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
def test_demo_idempotente_avec_reservations_validees_de_lise(db):
    # Une date fixe : en juillet ou en août, la cantine n'a aucun jour ouvert.
    call_command("demo", stdout=None)
    premier = _compter()
    call_command("demo")
    assert _compter() == premier

    assert Activite.objects.get(nom="GARDERIE").validation == Validation.AUTOMATIQUE
    assert Activite.objects.get(nom="CANTINE").delai_ajout_jours == 7
    journee = Activite.objects.get(nom="ALSH MERCREDI").unites.get(nom="Journée")
    assert journee.capacite == 24
    assert set(journee.incompatibles.values_list("nom", flat=True)) == {"Matin", "Après-midi"}
    assert Periode.objects.filter(activite__nom="CANTINE").count() == 3
    # Les foyers 9001 à 9024 remplissent un mercredi de l'ALSH (liste d'attente).
    inscrits = Inscription.objects.exclude(enfant__famille__numero__startswith="90")
    assert set(inscrits.values_list("enfant__prenom", flat=True)) == {
        "Lise",
        "Hugo",
        "Léo",
    }

    debut = timezone.localdate().replace(day=1)
    lise = Reservation.objects.filter(enfant__prenom="Lise", date__gte=debut)
    assert lise.exists()
    assert set(lise.values_list("etat", flat=True)) == {EtatReservation.RESERVEE}
    demande = Demande.objects.get(type="reservations")
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.traite_le is not None and demande.traite_le.date() < debut
    assert demande.resume.startswith("Réservations Cantine pour Lise sur la période du ")
    assert demande.reponse.endswith("réservations validées")
