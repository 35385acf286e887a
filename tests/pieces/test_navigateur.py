"""Parcours de DUPONT dans Chromium : transmettre une pièce, répondre à la mairie."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import verifier_accessibilite, verifier_largeur_mobile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _verifier(page) -> None:
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_dupont_transmet_une_piece_et_repond_a_la_mairie(page):
    call_command("demo")
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("jean.dupont@example.fr")
    page.get_by_label("Mot de passe").fill("Demo-Parent-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(page.base_url + "/")
    expect(page.get_by_text("Vous avez 1 nouveau message")).to_be_visible()
    expect(page.get_by_text("Il reste 2 pièces à fournir")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Inscriptions aux accueils de loisirs des vacances")
    ).to_be_visible()
    _verifier(page)

    # Pièces : la liste des manquantes, puis un fichier refusé, puis un PDF accepté.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Pièces").click()
    expect(
        page.get_by_text("Il reste 2 pièces à fournir pour compléter le dossier")
    ).to_be_visible()
    _verifier(page)
    page.get_by_role("link", name="Transmettre une pièce").click()
    page.get_by_label(re.compile("Pièce")).select_option(label="Justificatif de domicile")
    page.get_by_label("Fichier").set_input_files(
        {"name": "facture.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00programme"}
    )
    page.get_by_role("button", name="Transmettre").click()
    expect(page.get_by_text("Ce fichier est un programme")).to_be_visible()
    _verifier(page)
    page.get_by_label(re.compile("Pièce")).select_option(label="Justificatif de domicile")
    page.get_by_label("Fichier").set_input_files(
        {"name": "facture-edf.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Transmettre").click()
    expect(page).to_have_url(re.compile(r"/pieces/$"))
    expect(page.get_by_text("Votre pièce a été transmise.")).to_be_visible()
    expect(page.get_by_text("Il reste 1 pièce à fournir pour compléter le dossier")).to_be_visible()
    expect(page.get_by_role("link", name="facture-edf.pdf")).to_be_visible()
    _verifier(page)

    # Boîte de réception : lire le message de la mairie et y répondre.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Boîte de réception"
    ).click()
    _verifier(page)
    page.get_by_role("link", name="Bienvenue sur le Portail Famille").click()
    expect(page.get_by_text("il reste le justificatif de domicile")).to_be_visible()
    _verifier(page)
    page.get_by_role("link", name="Répondre").click()
    expect(page.get_by_label("Sujet")).to_have_value("Re : Bienvenue sur le Portail Famille")
    page.get_by_label("Message").fill("Bonjour, je viens d'envoyer le justificatif.")
    _verifier(page)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Votre message a été envoyé à la mairie.")).to_be_visible()
    expect(page.get_by_role("link", name="Re : Bienvenue sur le Portail Famille")).to_be_visible()
    _verifier(page)
    page.get_by_role("link", name="Accueil", exact=True).first.click()
    expect(page.get_by_text("Vous n'avez pas de nouveau message.")).to_be_visible()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Infos").click()
    expect(
        page.get_by_role("heading", name="Inscriptions aux accueils de loisirs des vacances")
    ).to_be_visible()
    _verifier(page)
