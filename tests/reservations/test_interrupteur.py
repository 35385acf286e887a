"""Réservations coupées par la commune : chaque vue (pages, envoi, PDF, planning, absence,
certificat) répond 404, par le seul mécanisme d'interrupteur."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reservations.models import MotifAbsence
from reservations.regles import Choix
from reservations.services import absence_declarer
from tests.interrupteurs import Vue, verifier_coupure

from .factories_planning import PDF, ReservationFactory

pytestmark = pytest.mark.usefixtures("jeudi_5_novembre")


def test_reservations_coupees_ferment_chaque_vue(client_parent, famille, cantine):
    lise = famille.enfants.get()
    reservation = ReservationFactory(enfant=lise, unite=cantine.repas, date=date(2026, 11, 20))
    absence = absence_declarer(
        reservation=reservation,
        motif=MotifAbsence.MALADIE,
        certificat=SimpleUploadedFile("certificat.pdf", PDF, "application/pdf"),
    )
    grille = f"{reverse('reservations:reserver')}?periode={cantine.periode.pk}&enfant={lise.pk}"
    imprimer = f"{reverse('reservations:imprimer')}?periode={cantine.periode.pk}&enfant={lise.pk}"
    cle = Choix(lise.pk, cantine.repas.pk, date(2026, 11, 23)).cle
    verifier_coupure(
        client_parent,
        "reservations_actives",
        [
            Vue(reverse("reservations:index")),
            Vue(grille),
            Vue(grille, "post", {"action": "envoyer", "c": [cle], "affiche": [cle]}),
            Vue(imprimer),
            Vue(reverse("reservations:planning")),
            Vue(reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])),
            Vue(reverse("reservations:absence_declarer", args=[reservation.pk])),
            Vue(
                reverse("reservations:absence_declarer", args=[reservation.pk]),
                "post",
                {"motif": MotifAbsence.AUTRE},
            ),
            Vue(reverse("reservations:absence_certificat", args=[absence.pk])),
        ],
    )
