"""Issue 13, points 1 et 2, dans Chromium : le menu d'une case du planning (souris, clic
droit, clavier) mène au récapitulatif de ce seul jour ; le mois entier se voit à 1280 px, et à
375 px la grille dit qu'elle défile en gardant la colonne des activités en place."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from demandes.models import Demande
from reservations.models import EtatReservation, Reservation
from reservations.services import jours_ouverture_generer
from tests.conftest import connecter_navigateur as _connecter
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import compte_de

from .factories_planning import (
    ActiviteFactory,
    InscriptionFactory,
    PeriodeFactory,
    ReservationFactory,
    UniteFactory,
)


def _bornes(jour):
    debut = jour.replace(day=1)
    return debut, (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _ouvrir_tous_les_jours(lise, nom, *jours):
    """Une activité ouverte tous les jours (vacances comprises) sur les mois de ces jours."""
    activite = ActiviteFactory(nom=nom, ouverte_vacances=True)
    unite = UniteFactory(activite=activite, nom="Repas", mercredi=True, samedi=True, dimanche=True)
    for debut, fin in sorted({_bornes(jour) for jour in jours}):
        jours_ouverture_generer(
            periode=PeriodeFactory(activite=activite, date_debut=debut, date_fin=fin)
        )
    InscriptionFactory(enfant=lise, activite=activite, date_debut=min(jours).replace(day=1))
    return unite


def _planning(page, lise, jour) -> None:
    page.goto(f"{page.base_url}/reservations/planning/{lise.pk}/{jour.year}/{jour.month}/")


def test_menu_d_une_case_mene_au_recapitulatif_du_jour(page, famille):
    lise = famille.enfants.get()
    # Délai d'ajout de 7 jours : le jour dans 10 jours est réservable ; celui dans 3 jours
    # est déjà réservé (absence déclarable).
    libre = timezone.localdate() + timedelta(days=10)
    reserve = timezone.localdate() + timedelta(days=3)
    unite = _ouvrir_tous_les_jours(lise, "CANTINE", libre, reserve)
    reservation = ReservationFactory(enfant=lise, unite=unite, date=reserve)
    _connecter(page, compte_de(famille))

    # À la souris : le clic ouvre le menu de la case ; le choix qui ne vaut pas est grisé.
    _planning(page, lise, libre)
    lien = page.locator(f'td[data-date="{libre:%Y-%m-%d}"] a')
    lien.click()
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    reserver = menu.get_by_role("menuitem", name="Demande de réservation")
    expect(reserver).to_be_focused()
    absence = menu.get_by_role("menuitem", name="Déclarer une absence")
    expect(absence).to_have_attribute("aria-disabled", "true")
    verifier_accessibilite(page)
    # Échap ferme le menu et rend le focus à la case.
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(lien).to_be_focused()

    # Au clavier : Entrée sur la case, Entrée sur le choix.
    page.keyboard.press("Enter")
    expect(reserver).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reservations/reserver/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyer les réservations")
    lignes = page.locator("main section li")
    expect(lignes).to_have_count(1)
    assert f"{libre.day}" in lignes.inner_text()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vous n'avez rien modifié").count() == 0
    nouvelle = Reservation.objects.get(enfant=lise, date=libre)
    assert nouvelle.etat in (EtatReservation.DEMANDEE, EtatReservation.RESERVEE)
    assert Reservation.objects.get(pk=reservation.pk).etat == EtatReservation.RESERVEE
    assert Demande.objects.count() == 1

    # Clic droit sur un jour réservé : « Déclarer une absence ».
    _planning(page, lise, reserve)
    case = page.locator(f'td[data-date="{reserve:%Y-%m-%d}"] a')
    case.click(button="right")
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name="Demande de réservation")).to_have_attribute(
        "aria-disabled", "true"
    )
    menu.get_by_role("menuitem", name="Déclarer une absence").click()
    page.wait_for_url(f"**/reservations/absence/{reservation.pk}/")


def test_le_mois_entier_se_voit_a_1280_px_et_defile_a_375_px(page, famille):
    lise = famille.enfants.get()
    # Un mois de 31 jours, deux activités.
    jour = timezone.localdate().replace(day=1)
    while _bornes(jour)[1].day != 31:
        jour = _bornes(jour)[1] + timedelta(days=1)
    _ouvrir_tous_les_jours(lise, "CANTINE", jour)
    _ouvrir_tous_les_jours(lise, "GARDERIE PÉRISCOLAIRE DU SOIR", jour)
    _connecter(page, compte_de(famille))

    page.set_viewport_size({"width": 1280, "height": 900})
    _planning(page, lise, jour)
    zone = page.get_by_role("region", name="Planning de Lise")
    dernier = page.locator("thead th").last
    expect(dernier).to_contain_text("31")
    cadre_zone = zone.bounding_box()
    cadre_dernier = dernier.bounding_box()
    assert cadre_zone and cadre_dernier
    # Le 31 est dans la zone visible, sans défiler, et la grille ne défile pas.
    assert cadre_dernier["x"] + cadre_dernier["width"] <= cadre_zone["x"] + cadre_zone["width"]
    assert cadre_dernier["x"] + cadre_dernier["width"] <= 1280
    assert zone.evaluate("z => z.scrollWidth <= z.clientWidth + 1")
    expect(page.locator("#planning-indice")).to_be_hidden()
    verifier_accessibilite(page)

    page.set_viewport_size({"width": 375, "height": 800})
    _planning(page, lise, jour)
    indice = page.locator("#planning-indice")
    expect(indice).to_be_visible()
    expect(indice).to_contain_text("La grille défile")
    assert zone.evaluate("z => z.scrollWidth > z.clientWidth")
    # En fin de mois, la colonne des activités reste au bord gauche de la zone.
    zone.evaluate("z => { z.scrollLeft = z.scrollWidth; }")
    activite = page.locator("tbody th").first
    expect(activite).to_be_visible()
    cadre_zone = zone.bounding_box()
    cadre_activite = activite.bounding_box()
    assert cadre_zone and cadre_activite
    assert abs(cadre_activite["x"] - cadre_zone["x"]) <= 2
    dernier_cadre = page.locator("thead th").last.bounding_box()
    assert dernier_cadre and dernier_cadre["x"] + dernier_cadre["width"] <= 375
    verifier_largeur_mobile(page)
    verifier_accessibilite(page)
