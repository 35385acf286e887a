"""Deux envois simultanés de la même absence (double clic, deux onglets) : une seule passe."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from demandes.models import Demande
from reservations.models import Absence, EtatReservation, MotifAbsence, Reservation
from reservations.services import absence_declarer

from .factories_planning import ReservationFactory, cantine

pytestmark = pytest.mark.django_db(transaction=True)


def test_deux_declarations_simultanees_une_seule_demande(famille):
    reservation = ReservationFactory(
        enfant=famille.enfants.get(), unite=cantine(), date=date(2026, 11, 20)
    )
    depart = threading.Barrier(2)
    resultats: list[str] = []

    def declarer():
        try:
            depart.wait(timeout=10)
            absence_declarer(
                reservation=Reservation.objects.get(pk=reservation.pk),
                motif=MotifAbsence.FAMILLE,
            )
            resultats.append("ok")
        except ValidationError as erreur:
            resultats.append(erreur.messages[0])
        finally:
            connection.close()

    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Europe/Paris"))):
        fils = [threading.Thread(target=declarer) for _ in range(2)]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join(timeout=30)

    assert sorted(resultats) == [
        "Une absence est déjà en cours de traitement pour ce jour.",
        "ok",
    ]
    assert Absence.objects.count() == Demande.objects.count() == 1
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENCE_DEMANDEE
