"""Parcours dans Chromium : le parent ouvre son planning et déclare une absence."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from reservations.models import Absence, EtatReservation
from reservations.services import jours_ouverture_generer
from tests.conftest import connecter_navigateur as _connecter
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import compte_de

from .factories_planning import (
    PDF,
    ActiviteFactory,
    InscriptionFactory,
    PeriodeFactory,
    ReservationFactory,
    UniteFactory,
)


def test_parent_declare_une_absence_depuis_le_planning(page, famille, tmp_path):
    lise = famille.enfants.get()
    # Un jour réservé dans 3 jours, quel que soit le jour où le test tourne : l'unité ouvre
    # tous les jours et l'activité aussi pendant les vacances.
    jour = timezone.localdate() + timedelta(days=3)
    activite = ActiviteFactory(nom="CANTINE", ouverte_vacances=True)
    unite = UniteFactory(activite=activite, nom="Repas", mercredi=True, samedi=True, dimanche=True)
    debut = jour.replace(day=1)
    fin = (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    jours_ouverture_generer(
        periode=PeriodeFactory(activite=activite, date_debut=debut, date_fin=fin)
    )
    InscriptionFactory(enfant=lise, activite=activite, date_debut=debut)
    reservation = ReservationFactory(enfant=lise, unite=unite, date=jour)
    certificat = tmp_path / "certificat.pdf"
    certificat.write_bytes(PDF)

    _connecter(page, compte_de(famille))
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Planning").click()
    page.wait_for_url("**/reservations/planning/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Planning de Lise")
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    if jour.month != timezone.localdate().month:
        page.get_by_role("link", name="Mois suivant ›").click()
        page.wait_for_url(f"**/{jour.year}/{jour.month}/")

    case = page.locator(f'td[data-date="{jour:%Y-%m-%d}"]')
    assert case.get_attribute("data-etat") == "reservee"
    expect(case).to_have_css("background-color", "rgb(209, 231, 221)")
    # La légende prend la couleur par le même attribut que les cases.
    legende = page.locator('.legende-symbole[data-etat="reservee"]')
    expect(legende).to_have_css("background-color", "rgb(209, 231, 221)")
    case.get_by_role("link").click()
    page.get_by_role("menu").get_by_role("menuitem", name="Déclarer une absence").click()
    page.wait_for_url(f"**/reservations/absence/{reservation.pk}/")
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_label("Maladie (certificat médical obligatoire)").check()
    page.get_by_role("button", name="Confirmer l'absence").click()
    # Sans certificat : refus clair, rien n'est créé.
    assert page.get_by_text("joignez le certificat médical").first.is_visible()
    assert not Absence.objects.exists()

    page.get_by_label("Maladie (certificat médical obligatoire)").check()
    page.get_by_label("Certificat médical", exact=True).set_input_files(str(certificat))
    page.get_by_label("Précisions (facultatif)").fill("Fièvre")
    page.get_by_role("button", name="Confirmer l'absence").click()
    page.wait_for_url("**/reservations/planning/**")

    assert page.get_by_text("a été transmise à la mairie").is_visible()
    case = page.locator(f'td[data-date="{jour:%Y-%m-%d}"]')
    assert case.get_attribute("data-etat") == "absence_demandee"
    assert "Absence en cours de traitement" in case.inner_text()
    assert page.get_by_role("link", name="télécharger le certificat").is_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENCE_DEMANDEE
    assert Absence.objects.get().certificat.read() == PDF
