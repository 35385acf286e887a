import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import verifier_accessibilite, verifier_largeur_mobile


def test_martin_premiere_connexion_jusqu_a_l_accueil(page):
    call_command("demo")
    page.goto(page.base_url + "/")
    expect(page).to_have_url(re.compile(r"/compte/login/"))
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("claire.martin@example.fr")
    page.get_by_label("Mot de passe").fill("Bienvenue-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/premiere-connexion/"))
    # Tant que la première connexion n'est pas faite, les autres pages y ramènent.
    page.goto(page.base_url + "/compte/password/change/")
    expect(page).to_have_url(re.compile(r"/premiere-connexion/"))
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    # Un mot de passe trop faible est refusé avec un message qui dit ce qui manque.
    page.get_by_label("Nouveau mot de passe").fill("claire2026")
    page.get_by_label("Retapez le même mot de passe").fill("claire2026")
    page.get_by_label("J'accepte les conditions d'utilisation").check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("au moins une lettre majuscule")).to_be_visible()
    verifier_accessibilite(page)

    page.get_by_label("Nouveau mot de passe").fill("Claire-Carnin-2026")
    page.get_by_label("Retapez le même mot de passe").fill("Claire-Carnin-2026")
    page.get_by_label("J'accepte les conditions d'utilisation").check()
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(page.base_url + "/")
    expect(page.get_by_role("heading", name="Bienvenue Claire MARTIN")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    # Au clavier, à 375 px : le menu s'ouvre ; le nom ouvre le menu du compte, dont
    # « Se déconnecter » ramène au site de la commune.
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("button", name="Ouvrir le menu").press("Enter")
    expect(page.get_by_role("link", name="Accueil", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("^Claire MARTIN")).press("Enter")
    bouton = page.get_by_role("button", name="Se déconnecter")
    expect(bouton).to_be_visible()
    page.route("https://www.example.fr/**", lambda route: route.fulfill(body="Site de la commune"))
    bouton.click()
    expect(page).to_have_url("https://www.example.fr/")


def test_dupont_oublie_son_mot_de_passe_puis_le_change(page):
    import re as _re

    from django.core import mail

    call_command("demo")
    page.goto(page.base_url + "/compte/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.get_by_label("Adresse e-mail").fill("jean.dupont@example.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_text("un e-mail vient de lui être envoyé")).to_be_visible()
    verifier_accessibilite(page)

    (message,) = [m for m in mail.outbox if "choisir un nouveau mot de passe" in m.subject]
    assert message.to == ["jean.dupont@example.fr"]
    lien = _re.search(r"http://\S+/compte/password/reset/key/\S+/", message.body)
    assert lien
    page.goto(lien.group(0))
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.locator("#id_password1").fill("Jean-Carnin-2027")
    page.locator("#id_password2").fill("Jean-Carnin-2027")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Votre nouveau mot de passe est enregistré.")).to_be_visible()
    verifier_accessibilite(page)

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("1001")
    page.get_by_label("Mot de passe").fill("Jean-Carnin-2027")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bienvenue Jean DUPONT")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Jean DUPONT")).click()
    page.get_by_role("link", name="Gestion du compte").click()
    expect(page.get_by_role("heading", name="Gestion du compte")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.locator("#id_oldpassword").fill("Jean-Carnin-2027")
    page.locator("#id_password1").fill("court")
    page.locator("#id_password2").fill("court")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Le mot de passe doit contenir au moins 8 caractères.")).to_be_visible()
    verifier_accessibilite(page)
    page.locator("#id_oldpassword").fill("Jean-Carnin-2027")
    page.locator("#id_password1").fill("Jean-Carnin-2028")
    page.locator("#id_password2").fill("Jean-Carnin-2028")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été changé.")).to_be_visible()


def test_page_de_blocage_accessible(page, configuration):
    page.goto(page.base_url + "/compte/login/")
    for _ in range(6):
        page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("9999")
        page.get_by_label("Mot de passe").fill("Mauvais-2026")
        page.get_by_role("button", name="Se connecter").click()
        if page.get_by_role("heading", name="Trop de tentatives de connexion").count():
            break
    expect(page.get_by_role("heading", name="Trop de tentatives de connexion")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
