"""Conservation des absences : la déclaration et son certificat médical partent 3 ans après,
une fois la demande décidée ; le jour reste facturé ou excusé sur la réservation."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from demandes.services import demande_accepter, demande_refuser
from portail.noyau.registre import regles_conservation
from reservations.models import Absence, EtatReservation, MotifAbsence, Reservation
from reservations.services import absence_declarer

from .factories_planning import PDF, ReservationFactory, cantine

PARIS = ZoneInfo("Europe/Paris")
DECLAREES_LE = datetime(2026, 11, 16, 10, 0, tzinfo=PARIS)
PURGE_LE = DECLAREES_LE + timedelta(days=3 * 365 + 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def absences(famille, agent):
    lise = famille.enfants.get()
    repas = cantine()
    jours = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)]
    reservations = [ReservationFactory(enfant=lise, unite=repas, date=j) for j in jours]
    with time_machine.travel(DECLAREES_LE, tick=False):
        maladie = absence_declarer(
            reservation=reservations[0],
            motif=MotifAbsence.MALADIE,
            certificat=SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf"),
        )
        demande_accepter(demande=maladie.demande, agent=agent)
        refusee = absence_declarer(reservation=reservations[1], motif=MotifAbsence.FAMILLE)
        demande_refuser(demande=refusee.demande, agent=agent, motif="Prévenu trop tard.")
        en_attente = absence_declarer(reservation=reservations[2], motif=MotifAbsence.FAMILLE)
    return maladie, refusee, en_attente


def test_la_regle_des_absences_est_declaree():
    (regle,) = [r for r in regles_conservation() if r.modele == "reservations.Absence"]
    assert regle.libelle == "Absences déclarées et certificats médicaux"
    assert regle.fichiers == ("certificat",)


def test_la_purge_efface_les_absences_decidees_et_leur_certificat(
    absences, django_capture_on_commit_callbacks
):
    maladie, _refusee, en_attente = absences
    certificat = maladie.certificat.name
    assert default_storage.exists(certificat)
    # Deux ans après : rien ne part.
    with (
        time_machine.travel(DECLAREES_LE + timedelta(days=2 * 365), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("purger", stdout=StringIO())
    assert Absence.objects.count() == 3
    with (
        time_machine.travel(PURGE_LE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("purger", stdout=StringIO())
    assert list(Absence.objects.all()) == [en_attente], "une absence en attente reste"
    assert not default_storage.exists(certificat)
    # Les jours gardent leur décision (base de la facturation).
    assert list(Reservation.objects.order_by("date").values_list("etat", flat=True)) == [
        EtatReservation.ABSENT_EXCUSE,
        EtatReservation.ABSENT_FACTURE,
        EtatReservation.ABSENCE_DEMANDEE,
    ]
