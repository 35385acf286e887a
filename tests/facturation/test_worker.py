import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande
from demandes.services import demande_accepter
from facturation.models import ActiviteFacturee
from facturation.services import facturation_lancer, reglement_enregistrer
from reservations.models import EtatReservation
from tests.factories import EnfantFactory

from .factories import (
    ActiviteFactory,
    ReservationFactory,
    TarifFactory,
    UniteFactory,
    facturer_jours,
    regie_cantine,
)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_accepted_duplicate_is_emailed_with_its_pdf_by_a_real_worker(
    celery_worker_reel, client_parent, famille, agent
):
    _regie, repas = regie_cantine()
    facture = facturer_jours(famille, repas, [date(2026, 9, j) for j in (1, 3, 4, 7, 8)])
    client_parent.post(reverse("facturation:facture_recevoir", args=[facture.pk]))
    demande_accepter(demande=Demande.objects.get(), agent=agent)  # on_commit : publié sur Redis

    assert mail.outbox == []  # rien n'est envoyé par le processus web
    messages = celery_worker_reel.attendre_emails(2, delai=60)
    avec_pdf = [m for m in messages if m.pieces_jointes]
    assert len(avec_pdf) == 1
    message = avec_pdf[0]
    assert message.destinataires == [famille.email]
    assert facture.numero in message.sujet
    nom, type_mime, contenu = message.pieces_jointes[0]
    assert (nom, type_mime) == (f"facture-{facture.numero}.pdf", "application/pdf")
    texte = "".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    assert f"Facture n° {facture.numero}" in texte and "17,00 €" in texte


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_rejected_debit_is_announced_by_a_real_worker(celery_worker_reel, famille, autre_famille):
    from django.utils import timezone

    from facturation.models import OperationPrelevement
    from facturation.prelevement.selectors import date_annoncee
    from facturation.prelevement.services import operation_rejeter, prelevement_lancer

    from .prelevement import facture, mandat_signe, regie_sepa

    regie = regie_sepa(regie_cantine()[0])
    mandat_signe(famille, regie)
    f = facture(famille, regie, timezone.localdate())
    jour = date_annoncee(f, regie)
    prelevement_lancer(regie=regie, date_prelevement=jour)
    operation_rejeter(operation=OperationPrelevement.objects.get(), code="AC04", jour=jour)

    assert mail.outbox == []
    [message] = celery_worker_reel.attendre_emails(1, delai=60)
    assert message.destinataires == [famille.email]
    assert f.numero in message.sujet and "rejeté" in message.sujet


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_attestations_command_emails_each_certificate_by_a_real_worker(
    celery_worker_reel, famille, configuration
):
    regie, _repas = regie_cantine()
    activite = ActiviteFactory(nom="GARDERIE", type="periscolaire")
    ActiviteFacturee.objects.create(activite=activite, regie=regie, eligible_frais_garde=True)
    matin = UniteFactory(activite=activite, nom="Matin")
    TarifFactory(unite=matin, prix=Decimal("1.50"))
    leo = EnfantFactory(famille=famille, prenom="Léo", date_naissance=date(2022, 3, 14))
    for jour in (12, 13):
        ReservationFactory(
            enfant=leo, unite=matin, date=date(2026, 1, jour), etat=EtatReservation.PRESENT
        )
    facturation_lancer(mois=date(2026, 1, 1))
    reglement_enregistrer(
        famille=famille, regie=regie, montant="3.00", mode="cheque", jour=date(2026, 2, 1)
    )

    call_command("attestations", "--annee", "2026", "--envoyer", stdout=io.StringIO())
    assert mail.outbox == []  # publié sur Redis, envoyé par le worker
    (message,) = celery_worker_reel.attendre_emails(1, delai=60)
    assert message.destinataires == [famille.email]
    assert "attestation de frais de garde 2026" in message.sujet
    nom, type_mime, contenu = message.pieces_jointes[0]
    assert nom == f"attestation-frais-de-garde-2026-{famille.numero}.pdf"
    assert type_mime == "application/pdf"
    texte = "".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    assert "Léo DUPONT" in texte and "3,00 €" in texte
