"""Attestation de frais de garde (article 200 quater B du CGI) : calcul, PDF, page, commande."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from facturation.attestations import attestation_frais_garde, pdf_attestation
from facturation.models import ActiviteFacturee, Facture
from facturation.services import facturation_lancer, reglement_enregistrer
from reservations.models import EtatReservation
from tests.factories import EnfantFactory, FamilleFactory, compte_de

from .factories import ActiviteFactory, ReservationFactory, TarifFactory, UniteFactory

JANVIER = [date(2026, 1, j) for j in (12, 13, 15, 16)]


def _texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


@pytest.fixture
def garderie(cantine):
    regie = cantine[0]
    activite = ActiviteFactory(nom="GARDERIE", type="periscolaire")
    ActiviteFacturee.objects.create(activite=activite, regie=regie, eligible_frais_garde=True)
    unite = UniteFactory(activite=activite, nom="Matin")
    TarifFactory(unite=unite, prix=Decimal("1.50"))
    return unite


@pytest.fixture
def leo(famille):
    return EnfantFactory(famille=famille, prenom="Léo", date_naissance=date(2022, 3, 14))


def _janvier(enfant, *unites):
    for unite in unites:
        for jour in JANVIER:
            ReservationFactory(enfant=enfant, unite=unite, date=jour, etat=EtatReservation.PRESENT)


@pytest.fixture
def facture_janvier(famille, leo, garderie, cantine, configuration):
    """Léo : 4 garderies à 1,50 € et 4 repas à 3,40 € ; Lise (6 ans au 01/01) : 4 garderies."""
    configuration.adresse_mairie = "1 place de la Mairie\n59112 CARNIN"
    configuration.signataire_attestations = "Anne MAIRE, maire de Carnin"
    configuration.save()
    _janvier(leo, garderie, cantine[1])
    _janvier(famille.enfants.get(prenom="Lise"), garderie)
    facturation_lancer(mois=date(2026, 1, 1))
    facture = Facture.objects.get(famille=famille)
    assert facture.total == Decimal("25.60")
    return facture


def test_paid_garde_of_child_under_six_is_attested_meals_and_older_child_excluded(
    famille, facture_janvier, cantine
):
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    attestation = attestation_frais_garde(famille=famille, annee=2026)
    assert [e.prenom for e in attestation.enfants] == ["Léo"]
    (periode,) = attestation.enfants[0].periodes
    assert periode.montant == Decimal("6.00")
    assert (periode.debut, periode.fin, periode.numero) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        facture_janvier.numero,
    )
    assert attestation_frais_garde(famille=famille, annee=2025).vide


def test_partial_payment_is_attested_in_proportion_and_in_the_year_it_was_paid(
    famille, facture_janvier, cantine
):
    regie = cantine[0]
    reglement_enregistrer(
        famille=famille, regie=regie, montant="12.80", mode="cheque", jour=date(2026, 3, 1)
    )
    reglement_enregistrer(
        famille=famille, regie=regie, montant="12.80", mode="cheque", jour=date(2027, 1, 5)
    )
    assert attestation_frais_garde(famille=famille, annee=2026).total == Decimal("3.00")
    # Né en 2022 : Léo a encore moins de 6 ans au 01/01/2027.
    assert attestation_frais_garde(famille=famille, annee=2027).total == Decimal("3.00")


def test_activity_not_marked_eligible_gives_an_empty_certificate(
    famille, facture_janvier, cantine, garderie
):
    ActiviteFacturee.objects.filter(activite=garderie.activite).update(eligible_frais_garde=False)
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    assert attestation_frais_garde(famille=famille, annee=2026).vide


def test_canteen_can_never_be_marked_eligible(cantine):
    activite_facturee = ActiviteFacturee.objects.get(activite=cantine[1].activite)
    activite_facturee.eligible_frais_garde = True
    with pytest.raises(ValidationError, match="jamais éligibles"):
        activite_facturee.full_clean()


@pytest.mark.parametrize(
    ("naissance", "attestee"), [(date(2020, 1, 1), False), (date(2020, 1, 2), True)]
)
def test_child_must_be_under_six_on_first_january(famille, garderie, cantine, naissance, attestee):
    enfant = EnfantFactory(famille=famille, prenom="Max", date_naissance=naissance)
    _janvier(enfant, garderie)
    facturation_lancer(mois=date(2026, 1, 1))
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="6.00", mode="cheque", jour=date(2026, 2, 3)
    )
    assert (not attestation_frais_garde(famille=famille, annee=2026).vide) is attestee


def test_factures_page_lists_a_certificate_per_year_with_payments_and_the_pdf_reads_back(
    client_parent, famille, facture_janvier, cantine
):
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert 'id="titre-attestations">Attestations</h2>' in html
    assert "Attestation de frais de garde 2026 (PDF)" in html
    assert "Attestation de frais de garde 2025" not in html
    reponse = client_parent.get(reverse("facturation:attestation_pdf", args=[2026]))
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"] == "private, no-store"
    texte = _texte_pdf(reponse.content)
    assert "Attestation de frais de garde 2026" in texte
    assert "200 quater B" in texte
    assert "Léo DUPONT" in texte and "14/03/2022" in texte and "Lise" not in texte
    assert "du 01/01/2026 au 31/01/2026" in texte and "6,00 €" in texte
    assert "25,60 €" not in texte  # les repas et la garde de Lise ne comptent pas
    assert "Carnin (test)" in texte and "1 place de la Mairie" in texte
    assert "Anne MAIRE, maire de Carnin" in texte
    assert "Famille DUPONT" in texte


def test_factures_page_without_payment_says_there_is_no_certificate_yet(client_parent):
    html = client_parent.get(reverse("facturation:factures")).content.decode()
    assert "pas encore d'attestation" in html


def test_certificate_of_a_year_without_payment_is_404_for_another_family(
    client, famille, autre_famille, facture_janvier, cantine
):
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    client.force_login(compte_de(autre_famille))
    assert client.get(reverse("facturation:attestation_pdf", args=[2026])).status_code == 404


def test_command_trial_sends_nothing_and_envoyer_mails_the_pdf(
    famille, autre_famille, facture_janvier, cantine
):
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    sortie = io.StringIO()
    call_command("attestations", "--annee", "2026", "--essai", "--envoyer", stdout=sortie)
    assert "DUPONT : 6,00 € (Léo)" in sortie.getvalue()
    assert "1 attestation de frais de garde 2026, 1 seraient envoyées" in sortie.getvalue()
    assert mail.outbox == []

    call_command("attestations", "--annee", "2026", "--envoyer", stdout=io.StringIO())
    (message,) = mail.outbox
    assert message.to == [famille.email]
    assert "attestation de frais de garde 2026" in message.subject
    assert "6,00 €" in message.body
    ((nom, contenu, type_mime),) = message.attachments
    assert nom == f"attestation-frais-de-garde-2026-{famille.numero}.pdf"
    assert type_mime == "application/pdf"
    assert "Léo DUPONT" in _texte_pdf(contenu)


def test_command_without_envoyer_builds_and_sends_nothing(famille, facture_janvier, cantine):
    reglement_enregistrer(
        famille=famille, regie=cantine[0], montant="25.60", mode="cheque", jour=date(2026, 2, 3)
    )
    sortie = io.StringIO()
    call_command("attestations", "--annee", "2026", stdout=sortie)
    assert "1 attestation de frais de garde 2026." in sortie.getvalue()
    assert mail.outbox == []


def test_demo_gives_dupont_a_non_empty_certificate_for_the_current_year(db):
    from django.utils import timezone

    from familles.models import Famille

    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # relancée : rien en double
    dupont = Famille.objects.get(numero="1001")
    attestation = attestation_frais_garde(famille=dupont, annee=timezone.localdate().year)
    assert [e.prenom for e in attestation.enfants] == ["Léo"]
    assert attestation.total == Decimal("9.00")  # 6 garderies du soir à 1,50 €
    assert (
        Facture.objects.filter(famille=dupont, lignes__enfant__prenom="Léo").distinct().count() == 1
    )


def test_l_enfant_en_garde_alternee_figure_sur_l_attestation_de_chaque_foyer_qui_a_paye(
    garderie, cantine, configuration
):
    """Hugo vit chez MARTIN et chez BERNARD : chaque foyer paie sa facture et n'atteste que
    ce qu'il a payé, l'autre foyer n'apparaît pas sur son PDF."""
    martin = FamilleFactory(numero="1002", nom="MARTIN")
    bernard = FamilleFactory(numero="1003", nom="BERNARD")
    hugo = EnfantFactory(
        famille=martin, second_foyer=bernard, prenom="Hugo", date_naissance=date(2022, 5, 2)
    )
    for foyer, jours in ((martin, JANVIER[:2]), (bernard, [*JANVIER[2:], date(2026, 1, 19)])):
        for jour in jours:
            ReservationFactory(
                enfant=hugo, famille=foyer, unite=garderie, date=jour, etat=EtatReservation.PRESENT
            )
    facturation_lancer(mois=date(2026, 1, 1))
    for foyer, montant in ((martin, "3.00"), (bernard, "4.50")):
        assert Facture.objects.get(famille=foyer).total == Decimal(montant)
        reglement_enregistrer(
            famille=foyer, regie=cantine[0], montant=montant, mode="cheque", jour=date(2026, 2, 3)
        )
    pour_martin = attestation_frais_garde(famille=martin, annee=2026)
    pour_bernard = attestation_frais_garde(famille=bernard, annee=2026)
    assert [(e.prenom, e.total) for e in pour_martin.enfants] == [("Hugo", Decimal("3.00"))]
    assert [(e.prenom, e.total) for e in pour_bernard.enfants] == [("Hugo", Decimal("4.50"))]
    texte = _texte_pdf(pdf_attestation(pour_bernard))
    assert "Hugo" in texte and "4,50" in texte and "BERNARD" in texte
    assert "3,00" not in texte and "MARTIN" not in texte.replace("Hugo MARTIN", "")
