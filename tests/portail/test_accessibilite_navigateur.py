"""Dans Chromium : en-tête et menu du compte, déclaration d'accessibilité, plan du site, et
une réservation entière faite au clavier seul."""

import re
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from demandes.models import Demande
from reservations.models import Validation
from reservations.regles import Choix
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.reservations.factories import (
    ActiviteFactory,
    InscriptionFactory,
    PeriodeFactory,
    UniteFactory,
    ouvrir,
)


def _tab_jusqu_a(page, selecteur: str, *, essais: int = 80) -> None:
    """Appuie sur Tab jusqu'à ce que l'élément ait le focus (échoue s'il n'arrive jamais)."""
    cible = page.locator(selecteur)
    for _ in range(essais):
        page.keyboard.press("Tab")
        if cible.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selecteur} n'a jamais reçu le focus au clavier")


def _connecter(page, identifiant: str, mot_de_passe: str) -> None:
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def test_name_in_header_opens_account_menu_and_menu_fits_one_line_at_1280(page):
    call_command("demo")
    page.set_viewport_size({"width": 1280, "height": 900})
    _connecter(page, "jean.dupont@example.fr", "Demo-Parent-2026")
    expect(page.get_by_role("heading", name="Bienvenue Jean DUPONT")).to_be_visible()
    expect(page.get_by_text("Vous êtes connecté.")).to_have_count(0)

    hauts = page.locator(".menu-principal .nav-link").evaluate_all(
        "els => els.map((a) => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(hauts) == 11 and len(set(hauts)) == 1, hauts

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Jean DUPONT")).click()
    expect(page.get_by_role("link", name="Gestion du compte")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    verifier_accessibilite(page)
    page.get_by_role("link", name="Gestion du compte").click()
    expect(page.get_by_role("heading", name="Gestion du compte")).to_be_visible()

    # Au clavier : le nom s'ouvre avec Entrée, « Se déconnecter » ramène au site de la commune.
    page.locator("#bouton-compte").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.route("https://www.example.fr/**", lambda route: route.fulfill(body="Site"))
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url("https://www.example.fr/")


def test_first_login_page_shows_no_menu(page):
    call_command("demo")
    _connecter(page, "claire.martin@example.fr", "Bienvenue-2026")
    expect(page).to_have_url(re.compile(r"/premiere-connexion/"))
    expect(page.locator(".menu-principal")).to_have_count(0)
    expect(page.get_by_role("button", name="Ouvrir le menu")).to_have_count(0)
    page.get_by_role("button", name=re.compile("^Claire MARTIN")).click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("link", name="Gestion du compte")).to_have_count(0)
    verifier_accessibilite(page)


def test_statement_and_site_map_from_the_footer(page):
    call_command("demo")
    _connecter(page, "jean.dupont@example.fr", "Demo-Parent-2026")
    page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    expect(page.locator("main h1")).to_have_text("Déclaration d'accessibilité")
    expect(page.get_by_role("heading", name="Voies de recours")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.get_by_role("link", name="Plan du site").first.click()
    expect(page.get_by_role("heading", name="Plan du site")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Relevé de compte")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_a_whole_booking_with_the_keyboard_only(page, famille, mot_de_passe):
    aujourdhui = timezone.localdate()
    debut = (aujourdhui.replace(day=1) + timedelta(days=32)).replace(day=1)
    fin = (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    activite = ActiviteFactory.create(nom="CANTINE", validation=Validation.MANUELLE)
    repas = UniteFactory.create(activite=activite, nom="Repas")
    PeriodeFactory.create(
        activite=activite, nom=f"CANTINE {debut:%m/%Y}", date_debut=debut, date_fin=fin
    )
    jours = [j for j in ouvrir(repas, debut, fin, (0, 1, 3, 4)) if j >= aujourdhui + timedelta(10)]
    lise = famille.enfants.get()
    InscriptionFactory.create(enfant=lise, activite=activite)
    cles = [Choix(lise.pk, repas.pk, j).cle for j in jours[:2]]

    page.goto(page.base_url + "/compte/login/")
    _tab_jusqu_a(page, "input[name=login]")
    page.keyboard.type(famille.numero)
    _tab_jusqu_a(page, "input[name=password]")
    page.keyboard.type(mot_de_passe)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Bienvenue"))).to_be_visible()

    _tab_jusqu_a(page, '.menu-principal a[href="/reservations/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Réservations")).to_be_visible()
    bouton = page.get_by_role("button", name=f"CANTINE {debut:%m/%Y}")
    _tab_jusqu_a(page, f'button:has-text("CANTINE {debut:%m/%Y}")')
    expect(bouton).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Lise DUPONT")).to_be_visible()

    for cle in cles:
        _tab_jusqu_a(page, f"#c-{cle}")
        page.keyboard.press("Space")
        expect(page.locator(f"#c-{cle}")).to_be_checked()
    _tab_jusqu_a(page, 'button:has-text("Envoyer la demande")')
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Votre demande de réservations est prête à être envoyée.")
    ).to_be_visible()
    _tab_jusqu_a(page, "textarea")
    page.keyboard.type("Au clavier")
    _tab_jusqu_a(page, 'button:has-text("Valider")')
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre demande de réservations est envoyée.")).to_be_visible()

    demande = Demande.objects.get(famille=famille)
    assert demande.resume.endswith("(2 ajouts)")
    assert demande.commentaire == "Au clavier"
