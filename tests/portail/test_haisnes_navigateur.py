"""Dans Chromium : ce que le guide de Haisnes montre au parent — bloc « Responsable » de
l'accueil, « Nom banque », « Formulaires » des Infos, historique par « Mon compte » /
« Mes enfants » et « Demandes refusées » avec le motif ; la section « Attestations »."""

from django.core.management import call_command
from playwright.sync_api import expect

from demandes.services import Ligne, demande_creer, demande_refuser
from familles.models import Famille
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import compte_de


def _connecter(page) -> None:
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("jean.dupont@example.fr")
    page.get_by_label("Mot de passe").fill("Demo-Parent-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bienvenue Jean DUPONT")).to_be_visible()


def test_dupont_voit_les_details_de_haisnes(page):
    call_command("demo")
    dupont = Famille.objects.get(numero="1001")
    demande = demande_creer(
        famille=dupont,
        type="sanitaire",
        resume="Modification des données sanitaires de Lise",
        lignes=[Ligne(libelle="Allergies", champ="allergies", nouvelle_valeur="Gluten")],
        personne="Lise DUPONT",
        auteur=compte_de(dupont),
    )
    demande_refuser(demande=demande, motif="Merci de joindre le certificat du médecin.")
    _connecter(page)

    bloc = page.locator("section", has=page.get_by_role("heading", name="Responsable", exact=True))
    expect(bloc).to_contain_text("Civilité")
    expect(bloc).to_contain_text("Monsieur")
    expect(bloc).to_contain_text("N° Famille")
    expect(bloc).to_contain_text("1001")

    page.get_by_role("link", name="Historique", exact=True).click()
    page.get_by_role("link", name="Mes enfants").click()
    expect(page.get_by_role("link", name="Mes enfants")).to_have_attribute("aria-current", "page")
    verifier_accessibilite(page)
    page.get_by_label("Réponse").select_option("refusee")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="Demandes refusées")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Merci de joindre le certificat du médecin.")
    ).to_be_visible()
    expect(
        page.get_by_role("cell", name="Modification des données sanitaires de Lise")
    ).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_role("link", name="Infos", exact=True).click()
    expect(page.get_by_role("heading", name="Formulaires")).to_be_visible()
    expect(page.locator("main ul a[href^='/pieces/documents/']").first).to_be_visible()
    verifier_accessibilite(page)

    page.get_by_role("link", name="Factures", exact=True).click()
    expect(page.get_by_role("heading", name="Attestations")).to_be_visible()
    lien = page.get_by_role("link", name="Attestation de frais de garde", exact=False).first
    expect(lien).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
