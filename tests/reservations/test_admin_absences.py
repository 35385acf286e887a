"""L'agent décide d'une absence dans l'admin des demandes : excusé ou facturé."""

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.models import StatutDemande
from reservations.models import EtatReservation, MotifAbsence
from reservations.services import absence_declarer

from .factories_planning import PDF, ReservationFactory, cantine

pytestmark = pytest.mark.django_db


@pytest.fixture
def absence(famille):
    reservation = ReservationFactory(
        enfant=famille.enfants.get(), unite=cantine(), date=date(2026, 11, 20)
    )
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Europe/Paris"))):
        return absence_declarer(
            reservation=reservation,
            motif=MotifAbsence.MALADIE,
            certificat=SimpleUploadedFile("certificat.pdf", PDF),
        )


def test_la_demande_montre_le_certificat_et_mene_a_l_absence(client_agent, absence):
    url = reverse("admin:demandes_demande_change", args=[absence.demande_id])
    contenu = html.unescape(client_agent.get(url).content.decode())
    assert "Absence du 20/11/2026 (CANTINE — Repas)" in contenu
    assert "Certificat médical joint" in contenu
    page_absence = client_agent.get(
        reverse("admin:reservations_absence_change", args=[absence.pk])
    ).content.decode()
    assert reverse("admin:reservations_absence_certificat", args=[absence.pk]) in page_absence


def test_accepter_dans_l_admin_rend_absent_excuse(client_agent, absence):
    url = reverse("admin:demandes_demande_accepter", args=[absence.demande_id])
    reponse = client_agent.post(url, {"confirmer": "Confirmer", "reponse": ""})
    assert reponse.status_code == 302
    absence.reservation.refresh_from_db()
    absence.demande.refresh_from_db()
    assert absence.reservation.etat == EtatReservation.ABSENT_EXCUSE
    assert absence.demande.statut == StatutDemande.ACCEPTEE
    assert absence.demande.reponse.startswith("Absence excusée")


def test_refuser_dans_l_admin_avec_motif_rend_absent_facture(client_agent, absence):
    url = reverse("admin:demandes_demande_refuser", args=[absence.demande_id])
    # Sans motif : rien ne change.
    assert client_agent.post(url, {"confirmer": "Confirmer", "reponse": ""}).status_code == 200
    absence.reservation.refresh_from_db()
    assert absence.reservation.etat == EtatReservation.ABSENCE_DEMANDEE

    client_agent.post(url, {"confirmer": "Confirmer", "reponse": "Certificat illisible."})
    absence.reservation.refresh_from_db()
    absence.demande.refresh_from_db()
    assert absence.reservation.etat == EtatReservation.ABSENT_FACTURE
    assert absence.demande.reponse == "Certificat illisible."


def test_historique_de_la_famille_filtre_absences(client_parent, absence):
    contenu = client_parent.get(reverse("demandes:historique")).content.decode()
    assert "Absences" in contenu
    assert "Absence de Lise le 20/11/2026" in html.unescape(contenu)


def test_le_groupe_agent_pointe_et_telecharge_le_certificat(client, agent, absence):
    client.force_login(agent)
    reponse = client.get(reverse("admin:reservations_absence_certificat", args=[absence.pk]))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    unite = absence.reservation.unite
    url = f"{reverse('admin:reservations_pointage')}?unite={unite.pk}&jour=2026-11-20"
    assert "Absence en cours de traitement" in client.get(url).content.decode()
    assert client.get(reverse("admin:reservations_effectifs")).status_code == 200


def test_la_confirmation_dit_ce_que_veut_dire_accepter_et_lie_le_certificat(client_agent, absence):
    lien = reverse("admin:reservations_absence_certificat", args=[absence.pk])
    aide = "Accepter = absent excusé, non facturé ; refuser = absent facturé."
    for nom in ("admin:demandes_demande_accepter", "admin:demandes_demande_change"):
        contenu = html.unescape(
            client_agent.get(reverse(nom, args=[absence.demande_id])).content.decode()
        )
        assert aide in contenu, nom
        assert f'href="{lien}">Télécharger le certificat (certificat.pdf)</a>' in contenu, nom
    assert client_agent.get(lien).status_code == 200
