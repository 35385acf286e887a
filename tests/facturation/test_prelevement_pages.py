"""Pages des parents pour le prélèvement : pré-notification, mandat, signature, arrêt."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter
from facturation.models import Mandat, OperationPrelevement, Regie
from facturation.prelevement.models import StatutMandat
from facturation.prelevement.services import operation_rejeter, prelevement_lancer
from familles.models import Famille
from tests.factories import compte_de

from .prelevement import facture, mandat_signe

PRENOTIFICATION = "Cette facture sera prélevée le 05/01/2027 sur le compte FR76 **** **** 0189"


def _texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


pytestmark = pytest.mark.usefixtures("le_1er_decembre_2026")


def test_invoice_page_and_pdf_announce_the_debit(client_parent, facture_a_prelever, configuration):
    configuration.paiement_en_ligne_actif = True
    configuration.save()
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert PRENOTIFICATION in html
    assert "Payer en ligne" not in html  # la seule facture due sera prélevée
    reponse = client_parent.get(reverse("facturation:facture_pdf", args=[facture_a_prelever.pk]))
    texte = " ".join(_texte_pdf(reponse.content).split())
    assert PRENOTIFICATION in texte
    assert "Comment payer" not in texte


def test_home_page_gives_the_next_debit_date(client_parent, facture_a_prelever):
    html = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "Prochain prélèvement : le <strong>05/01/2027</strong>" in html


def test_without_mandate_nothing_is_announced(client_parent, famille, regie, configuration):
    configuration.paiement_en_ligne_actif = True
    configuration.save()
    f = facture(famille, regie, date(2026, 12, 1))
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert "sera prélevée" not in html and "Payer en ligne" in html
    texte = _texte_pdf(client_parent.get(reverse("facturation:facture_pdf", args=[f.pk])).content)
    assert "sera prélevée" not in texte and "Comment payer" in texte


def test_debit_shows_in_payments_and_reject_in_statement(
    client_parent, famille, facture_a_prelever, regie
):
    prelevement_lancer(regie=regie, date_prelevement=date(2027, 1, 5))
    html = client_parent.get(reverse("facturation:reglements")).content.decode()
    assert "Prélèvement" in html and "05/01/2027" in html and "17,00 €" in html
    assert "en attente d'encaissement" in html
    operation = OperationPrelevement.objects.get()
    with time_machine.travel(date(2027, 1, 9), tick=False):
        operation_rejeter(operation=operation, code="AM04", jour=date(2027, 1, 8))
    releve = client_parent.get(reverse("facturation:releve") + "?annee=2026")
    factures = client_parent.get(reverse("facturation:factures")).content.decode()
    assert "Prélèvement rejeté : AM04 provision insuffisante" in releve.content.decode()
    assert "Le prélèvement du 05/01/2027 a été rejeté (AM04 provision insuffisante)" in factures
    html = client_parent.get(reverse("facturation:reglements")).content.decode()
    assert "Rejeté le 08/01/2027" in html


def test_mandate_page_and_pdf_read_back(client_parent, famille, regie):
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.A_SIGNER, date_signature=None)
    html = client_parent.get(reverse("facturation:prelevement")).content.decode()
    assert mandat.rum in html and "En attente de signature" in html
    reponse = client_parent.get(reverse("facturation:mandat_pdf", args=[mandat.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    texte = " ".join(_texte_pdf(reponse.content).split())
    assert "Mandat de prélèvement SEPA" in texte
    assert mandat.rum in texte and "FR72ZZZ123456" in texte
    assert "FR7630006000011234567890189" in texte and "AGRIFRPP" in texte
    assert "Paiement récurrent" in texte
    assert "vous autorisez Régie cantine à envoyer des instructions à votre banque" in texte
    assert "8 semaines" in texte and "Signature du débiteur" in texte


def test_other_household_mandate_is_404(client_parent, autre_famille, regie):
    autre = mandat_signe(autre_famille, regie)
    Mandat.objects.filter(pk=autre.pk).update(statut=StatutMandat.A_SIGNER, date_signature=None)
    assert client_parent.get(reverse("facturation:mandat_pdf", args=[autre.pk])).status_code == 404
    reponse = client_parent.post(
        reverse("facturation:mandat_signer", args=[autre.pk]), {"consentement": "oui"}
    )
    assert reponse.status_code == 404
    autre.refresh_from_db()
    assert autre.statut == StatutMandat.A_SIGNER
    assert autre.rum not in client_parent.get(reverse("facturation:prelevement")).content.decode()


def _a_signer(famille, regie) -> Mandat:
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.A_SIGNER, date_signature=None)
    return mandat


def test_online_signature_needs_consent_and_the_regie_s_agreement(client_parent, famille, regie):
    mandat = _a_signer(famille, regie)
    url = reverse("facturation:mandat_signer", args=[mandat.pk])
    reponse = client_parent.post(url, {"consentement": "oui"}, follow=True)
    assert "demande le mandat papier signé" in reponse.content.decode()
    Regie.objects.filter(pk=regie.pk).update(signature_en_ligne=True)
    reponse = client_parent.post(url, {}, follow=True)
    assert "Cochez la case" in reponse.content.decode()
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.A_SIGNER
    client_parent.post(url, {"consentement": "oui"})
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.ACTIF and mandat.date_signature == date(2026, 12, 1)
    assert mandat.signe_par == compte_de(famille) and mandat.signe_en_ligne_le is not None
    texte = _texte_pdf(
        client_parent.get(reverse("facturation:mandat_pdf", args=[mandat.pk])).content
    )
    assert "Signé en ligne le 01/12/2026" in texte


def test_stop_request_closes_the_mandates_once_accepted(client_parent, famille, regie, agent):
    Famille.objects.filter(pk=famille.pk).update(prelevement=True)
    mandat = mandat_signe(famille, regie)
    client_parent.post(reverse("facturation:prelevement_arret"))
    demande = Demande.objects.get(famille=famille, type="prelevement_arret")
    assert demande.statut == StatutDemande.EN_ATTENTE
    reponse = client_parent.post(reverse("facturation:prelevement_arret"), follow=True)
    assert "déjà en attente" in reponse.content.decode()
    demande_accepter(demande=demande, agent=agent)
    mandat.refresh_from_db()
    famille.refresh_from_db()
    assert mandat.statut == StatutMandat.CLOS and not famille.prelevement


@pytest.mark.parametrize(
    "nom", ["facturation:factures", "portail:accueil", "facturation:prelevement"]
)
def test_query_count_does_not_grow_with_debits(
    client_parent, famille, regie, nom, django_assert_max_num_queries
):
    mandat_signe(famille, regie)
    facture(famille, regie, date(2026, 12, 1))
    with django_assert_max_num_queries(14) as petit:
        assert client_parent.get(reverse(nom)).status_code == 200
    for jour in (2, 3, 4):
        facture(famille, regie, date(2026, 11, jour))
    prelevement_lancer(regie=regie, date_prelevement=date(2026, 12, 5))
    facture(famille, regie, date(2026, 12, 1))
    with django_assert_max_num_queries(len(petit.captured_queries)):
        assert client_parent.get(reverse(nom)).status_code == 200


def test_once_the_date_is_reached_the_invoice_says_it_was_debited(
    client_parent, facture_a_prelever, regie
):
    prelevement_lancer(regie=regie, date_prelevement=date(2027, 1, 5))
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert PRENOTIFICATION in html  # avant la date : toujours « sera prélevée »
    with time_machine.travel(date(2027, 1, 6), tick=False):
        client_parent.force_login(compte_de(facture_a_prelever.famille))
        html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert "Cette facture a été prélevée le 05/01/2027 sur le compte FR76 **** **** 0189" in html
