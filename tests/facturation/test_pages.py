import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_refuser
from facturation.models import Facture, Reglement
from facturation.services import facture_emettre_avoir, reglement_enregistrer
from portail.noyau.models import Configuration, User
from tests.factories import compte_de

from .factories import facturer_jours

SEPTEMBRE = [date(2026, 9, j) for j in (1, 3, 4, 7, 8)]


def _texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


@pytest.fixture
def facture(famille, cantine):
    return facturer_jours(famille, cantine[1], SEPTEMBRE)


@pytest.fixture
def facture_autre(autre_famille, cantine):
    return facturer_jours(autre_famille, cantine[1], [date(2026, 9, 2)])


def test_factures_page_shows_remaining_and_columns(client_parent, facture):
    reponse = client_parent.get(reverse("facturation:factures"))
    html = reponse.content.decode()
    assert (
        'Il reste 1 facture à régler pour un total de <strong class="montant">17,00 €</strong>'
        in html
    )
    for entete in ("Du", "Au", "N°", "Montant", "Déjà réglé", "Reste à régler", "Recevoir"):
        assert f">{entete}</th>" in html
    assert "01/09/2026" in html and "30/09/2026" in html and facture.numero in html


def test_paid_invoice_shows_zero_remaining(client_parent, famille, facture, cantine):
    reglement_enregistrer(famille=famille, regie=cantine[0], montant="17", mode="cheque")
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert "Toutes vos factures sont réglées" in html
    assert html.count("17,00 €") == 2 and "0,00 €" in html


def test_invoice_pdf_reads_back_with_lines_by_child_and_totals(client_parent, facture):
    reponse = client_parent.get(reverse("facturation:facture_pdf", args=[facture.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"] == "private, no-store"
    texte = _texte_pdf(reponse.content)
    assert f"Facture n° {facture.numero}" in texte
    assert "Carnin (test)" in texte and "Famille DUPONT" in texte
    assert "Lise DUPONT" in texte and "01/09, 03/09, 04/09, 07/09, 08/09" in texte
    assert "3,40 €" in texte and "17,00 €" in texte
    assert "Comment payer" in texte


def test_receipt_pdf_reads_back(client_parent, famille, facture, cantine):
    reglement = reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="17", mode="cheque", reference="CHQ 42"
    )
    reponse = client_parent.get(reverse("facturation:reglement_recu_pdf", args=[reglement.pk]))
    texte = _texte_pdf(reponse.content)
    assert f"Reçu du règlement n° {reglement.numero}" in texte
    assert "17,00 €" in texte and "Chèque" in texte and facture.numero in texte
    assert "Non (en attente d'encaissement)" in texte


@pytest.mark.parametrize(
    ("nom", "methode"),
    [
        ("facturation:facture_pdf", "get"),
        ("facturation:facture_recevoir", "post"),
    ],
)
def test_other_familys_invoice_is_404(client_parent, facture_autre, nom, methode):
    reponse = getattr(client_parent, methode)(reverse(nom, args=[facture_autre.pk]))
    assert reponse.status_code == 404
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    ("nom", "methode"),
    [
        ("facturation:reglement_recu_pdf", "get"),
        ("facturation:reglement_recevoir", "post"),
    ],
)
def test_other_familys_payment_is_404(
    client_parent, autre_famille, facture_autre, cantine, nom, methode
):
    reglement = reglement_enregistrer(
        famille=autre_famille, regie=cantine[0], montant="3.40", mode="cheque"
    )
    reponse = getattr(client_parent, methode)(reverse(nom, args=[reglement.pk]))
    assert reponse.status_code == 404


def test_pages_are_404_and_hidden_when_invoices_are_off(client_parent, facture):
    Configuration.objects.filter(pk=1).update(factures_actives=False)
    from django.core.cache import cache

    cache.clear()
    for nom in ("facturation:factures", "facturation:reglements", "facturation:releve"):
        assert client_parent.get(reverse(nom)).status_code == 404
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert reverse("facturation:factures") not in accueil


def test_home_block_shows_balance_and_unpaid_invoices(client_parent, facture):
    html = client_parent.get(reverse("portail:accueil")).content.decode()
    assert 'votre compte présente un solde de <strong class="montant">17,00 €</strong>' in html
    assert facture.numero in html and facture.echeance.strftime("%d/%m/%Y") in html


def test_duplicate_request_accepted_sends_pdf_by_email(
    client_parent, facture, agent, django_capture_on_commit_callbacks
):
    reponse = client_parent.post(reverse("facturation:facture_recevoir", args=[facture.pk]))
    assert reponse.status_code == 302
    demande = Demande.objects.get()
    assert demande.type == "facture_duplicata" and demande.cible == facture
    # Un second clic ne crée pas une seconde demande.
    client_parent.post(reverse("facturation:facture_recevoir", args=[facture.pk]))
    assert Demande.objects.count() == 1
    assert (
        "Demande en attente" in client_parent.get(reverse("facturation:factures")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=demande, agent=agent)
    envois = [m for m in mail.outbox if m.attachments]
    assert len(envois) == 1
    nom, contenu, type_mime = envois[0].attachments[0]
    assert nom == f"facture-{facture.numero}.pdf" and type_mime == "application/pdf"
    assert facture.numero in _texte_pdf(contenu)
    assert envois[0].to == [facture.famille.email]
    demande.refresh_from_db()
    assert "vous est envoyé par e-mail" in demande.reponse


def test_refused_receipt_request_sends_nothing(
    client_parent, famille, facture, cantine, agent, django_capture_on_commit_callbacks
):
    reglement = reglement_enregistrer(famille=famille, regie=cantine[0], montant="17", mode="cesu")
    client_parent.post(reverse("facturation:reglement_recevoir", args=[reglement.pk]))
    demande = Demande.objects.get(type="reglement_recu")
    with django_capture_on_commit_callbacks(execute=True):
        demande_refuser(demande=demande, agent=agent, motif="Déjà envoyé")
    assert not [m for m in mail.outbox if m.attachments]
    assert Demande.objects.get().statut == StatutDemande.REFUSEE


def test_accepted_receipt_request_sends_receipt(
    client_parent, famille, facture, cantine, agent, django_capture_on_commit_callbacks
):
    reglement = reglement_enregistrer(famille=famille, regie=cantine[0], montant="17", mode="cesu")
    client_parent.post(reverse("facturation:reglement_recevoir", args=[reglement.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=Demande.objects.get(), agent=agent)
    [envoi] = [m for m in mail.outbox if m.attachments]
    assert "CESU" in _texte_pdf(envoi.attachments[0][1])


def test_payments_page_shows_collected_date_or_non(client_parent, famille, facture, cantine):
    reglement_enregistrer(
        famille=famille,
        regie=cantine[0],
        montant="10",
        mode="cheque",
        jour=date(2026, 10, 1),
        encaisse_le=date(2026, 10, 5),
    )
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="7", mode="en_ligne", jour=date(2026, 10, 2)
    )
    html = client_parent.get(reverse("facturation:reglements")).content.decode()
    assert "05/10/2026" in html and ">Non" in html and "Paiement en ligne" in html
    assert "Recevoir un reçu" in html


def test_statement_has_previous_balance_and_running_balance(client_parent, famille, cantine):
    regie, repas = cantine
    ancienne = facturer_jours(famille, repas, [date(2026, 6, 1), date(2026, 6, 2)])  # 6,80
    Facture.objects.filter(pk=ancienne.pk).update(date=date(2026, 6, 30))
    facture = facturer_jours(famille, repas, SEPTEMBRE)
    Facture.objects.filter(pk=facture.pk).update(date=date(2026, 10, 1))
    reglement_enregistrer(
        famille=famille, regie=regie, montant="10", mode="cheque", jour=date(2026, 10, 10)
    )
    avoir = facture_emettre_avoir(facture=facture, montant="3.40", motif="Sortie scolaire")
    html = client_parent.get(reverse("facturation:releve")).content.decode()
    assert "2026-2027" in html
    assert 'Ancien solde</th><td class="text-end">6,80 €' in html
    assert "Facture : 01/09/2026 - 30/09/2026" in html and "Règlement : Chèque" in html
    assert f"Avoir sur {facture.numero}" in html and avoir.numero in html
    # 6,80 + 17,00 - 10,00 - 3,40 = 10,40
    assert "<strong>10,40 €</strong>" in html
    precedente = client_parent.get(reverse("facturation:releve") + "?annee=2025").content.decode()
    assert "Facture : 01/06/2026 - 30/06/2026" in precedente
    assert client_parent.get(reverse("facturation:releve") + "?annee=abc").status_code == 200


def _historique(famille, repas, regie, mois: int) -> None:
    for m in range(1, mois + 1):
        annee, mois_ = (2026, 8 + m) if m <= 4 else (2027, m - 4)
        facture = facturer_jours(famille, repas, [date(annee, mois_, 2), date(annee, mois_, 3)])
        reglement_enregistrer(
            famille=famille, regie=regie, montant="6.80", mode="cheque", jour=facture.periode_fin
        )


@pytest.mark.parametrize(
    "nom",
    ["facturation:factures", "facturation:reglements", "facturation:releve", "portail:accueil"],
)
def test_query_count_does_not_grow_with_history(
    client_parent, famille, cantine, nom, django_assert_max_num_queries
):
    regie, repas = cantine
    _historique(famille, repas, regie, 1)
    with django_assert_max_num_queries(12) as petit:
        assert client_parent.get(reverse(nom)).status_code == 200
    _historique_suite = 8
    for m in range(2, 2 + _historique_suite):
        annee, mois_ = (2026, 8 + m) if m <= 4 else (2027, m - 4)
        facture = facturer_jours(famille, repas, [date(annee, mois_, 2), date(annee, mois_, 3)])
        reglement_enregistrer(
            famille=famille, regie=regie, montant="5", mode="cheque", jour=facture.periode_fin
        )
    assert Facture.objects.filter(famille=famille).count() == 9
    with django_assert_max_num_queries(len(petit.captured_queries)):
        assert client_parent.get(reverse(nom)).status_code == 200


def test_balance_adds_up_with_credit_note(famille, facture, cantine):
    from facturation.selectors import solde_famille

    facture_emettre_avoir(facture=facture, montant="2", motif="Geste")
    reglement_enregistrer(famille=famille, regie=cantine[0], montant="20", mode="especes")
    assert solde_famille(famille) == Decimal("-5.00")
    assert Facture.objects.avec_soldes().get(pk=facture.pk).reste == Decimal("0.00")
    assert Reglement.objects.avec_affecte().get().montant_affecte == Decimal("15.00")


def test_credit_note_pdf_reads_back(client_parent, facture):
    avoir = facture_emettre_avoir(facture=facture, montant="3.40", motif="Repas non servi")
    texte = _texte_pdf(
        client_parent.get(reverse("facturation:facture_pdf", args=[avoir.pk])).content
    )
    assert f"Avoir n° {avoir.numero}" in texte
    assert f"Avoir sur la facture {facture.numero} : Repas non servi" in texte
    assert "-3,40 €" in texte


def test_online_payment_needs_an_email(client_parent, famille, facture):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    from django.core.cache import cache

    cache.clear()
    famille.email = ""
    famille.save()
    User.objects.filter(pk=compte_de(famille).pk).update(email="")
    reponse = client_parent.post(reverse("facturation:paiement"), {"factures": [facture.pk]})
    assert "indiquez d&#x27;abord une adresse e-mail" in reponse.content.decode()
    from facturation.models import TransactionPaiement

    assert not TransactionPaiement.objects.exists()


def test_family_invoices_carry_the_same_amounts_as_avec_soldes(
    famille, facture, cantine, django_assert_num_queries
):
    from facturation.selectors import factures_famille, impayees_famille

    octobre = facturer_jours(famille, cantine[1], [date(2026, 10, 1)])
    facture_emettre_avoir(facture=facture, montant="2", motif="Geste")
    facture_emettre_avoir(facture=facture, montant="1.40", motif="Autre geste")
    # Les règlements vont à la plus ancienne facture : septembre, 17 - 3,40 - 8,40.
    reglement_enregistrer(famille=famille, regie=cantine[0], montant="3.40", mode="especes")
    reglement_enregistrer(famille=famille, regie=cantine[0], montant="5", mode="especes")
    attendu = {
        f.pk: (f.deja_regle, f.avoirs, f.reste)
        for f in Facture.objects.avec_soldes().filter(famille=famille)
    }
    lues = factures_famille(famille)
    assert {f.pk: (f.deja_regle, f.avoirs, f.reste) for f in lues} == attendu
    assert len(lues) == 4 and attendu[facture.pk][1] == Decimal("-3.40")
    with django_assert_num_queries(0):  # la facture corrigée vient de la liste
        assert {f.facture_corrigee.numero for f in lues if f.est_avoir} == {facture.numero}
    assert attendu[facture.pk][2] == Decimal("5.20") and attendu[octobre.pk][2] == Decimal("3.40")
    assert impayees_famille(famille) == list(
        Facture.objects.impayees().filter(famille=famille).order_by("date", "numero_ordre")
    )
