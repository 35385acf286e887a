"""Parcours dans Chromium : un parent change le mobile de Jean, un agent accepte dans l'admin."""

import re

from playwright.sync_api import expect

from demandes.models import Demande, StatutDemande
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile


def _verifier_page(page) -> None:
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_parent_change_le_mobile_de_jean_et_l_agent_accepte(
    page, famille, jean, mamie, admin_user_portail, mot_de_passe
):
    # Le parent se connecte et ouvre Renseignements.
    page.goto(f"{page.base_url}/compte/login/")
    page.fill("input[name=login]", famille.numero)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name=re.compile("Bienvenue"))).to_be_visible()
    page.get_by_role("link", name="Renseignements", exact=True).first.click()
    expect(page.get_by_role("heading", name="Renseignements", exact=True)).to_be_visible()
    _verifier_page(page)

    # « Modifier » ouvre le formulaire pré-rempli ; une saisie invalide est refusée.
    page.get_by_role("link", name="Modifier les renseignements de Jean").click()
    expect(page.get_by_label("Prénom")).to_have_value("Jean")
    page.get_by_label("Téléphone mobile").fill("06 12")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Saisissez un numéro de téléphone français")).to_be_visible()
    _verifier_page(page)
    page.get_by_label("Téléphone mobile").fill("06.12.34.56.78")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Votre demande a été transmise à la mairie.")).to_be_visible()
    expect(
        page.get_by_text("Modification en attente de validation par l'administrateur")
    ).to_be_visible()
    _verifier_page(page)
    demande = Demande.objects.get()
    assert demande.resume == "Modification de 1 renseignement pour Jean"

    # Les autres pages du dossier, visitées par le parent.
    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", name="Infos Responsable")).to_be_visible()
    _verifier_page(page)
    page.get_by_role("link", name="Mes enfants").click()
    expect(page.get_by_text("Martine DURAND (Grand-mère)")).to_be_visible()
    fiche = page.get_by_role("link", name="Fiche d'inscription pré-remplie de Lise (PDF)")
    expect(fiche).to_have_attribute("href", re.compile(r"/fiche-inscription/\d+/$"))
    _verifier_page(page)
    page.get_by_role("link", name="Modifier la liste des personnes autorisées pour Lise").click()
    expect(page.get_by_role("heading", name=re.compile("Personnes autorisées"))).to_be_visible()
    _verifier_page(page)

    # L'agent accepte la demande dans l'administration.
    agent = page.context.browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    admin = agent.new_page()
    admin.goto(f"{page.base_url}/admin/login/")
    admin.fill("input[name=username]", admin_user_portail.username)
    admin.fill("input[name=password]", mot_de_passe)
    admin.locator("input[type=submit]").click()
    admin.goto(f"{page.base_url}/admin/demandes/demande/")
    admin.locator(f"input[name=_selected_action][value='{demande.pk}']").check()
    admin.select_option("select[name=action]", "accepter")
    admin.locator("button[name=index]").first.click()
    admin.get_by_role("button", name="Confirmer").click()
    expect(admin.get_by_text("1 demande acceptée.")).to_be_visible()
    agent.close()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.reponse == "1 renseignement modifié (Téléphone mobile)"

    # Le parent voit la nouvelle valeur et la réponse dans l'Historique.
    page.goto(f"{page.base_url}/renseignements/")
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    expect(page.get_by_text("Modification en attente de validation")).to_have_count(0)
    page.get_by_role("link", name="Historique", exact=True).click()
    expect(
        page.get_by_text(
            re.compile(
                r"Votre demande a été traitée le \d\d/\d\d/\d{4}\. "
                r"Réponse : 1 renseignement modifié \(Téléphone mobile\)"
            )
        )
    ).to_be_visible()


def test_parent_ajoute_un_enfant_une_personne_autorisee_et_son_iban(
    page, famille, jean, lise, mot_de_passe
):
    page.goto(f"{page.base_url}/compte/login/")
    page.fill("input[name=login]", famille.numero)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name=re.compile("Bienvenue"))).to_be_visible()

    # Ajouter un enfant.
    page.goto(f"{page.base_url}/renseignements/mes-enfants/")
    page.get_by_role("link", name="Ajouter un enfant").click()
    expect(page.get_by_label("Nom de famille")).to_have_value("DUPONT")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Date de naissance").fill("2021-06-01")
    page.get_by_label("Adresse partagée avec").select_option(label="L'adresse de Jean")
    _verifier_page(page)
    page.get_by_role("button", name="Valider").click()
    expect(
        page.get_by_text("Ajout de l'enfant Paul : demande en attente de validation")
    ).to_be_visible()

    # Données sanitaires de Lise : cases à cocher et zones de texte.
    page.get_by_role("link", name="Modifier les données sanitaires de Lise").click()
    page.get_by_label("Allergies").fill("Arachide")
    page.get_by_label("PAI (projet d'accueil individualisé)").check()
    _verifier_page(page)
    page.get_by_role("link", name="Annuler").click()

    # Ajouter une personne autorisée pour Lise.
    page.get_by_role("link", name="Modifier la liste des personnes autorisées pour Lise").click()
    nouvelle = page.get_by_role("group", name="Ajouter une personne (facultatif)")
    nouvelle.get_by_label("Prénom").fill("Paul")
    nouvelle.get_by_role("textbox", name=re.compile(r"^Nom")).fill("DUPUIS")
    nouvelle.get_by_label("Téléphone").fill("0622222222")
    nouvelle.get_by_label("Lien avec l'enfant").fill("Oncle")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Votre demande a été transmise à la mairie.")).to_be_visible()

    # Coordonnées bancaires : un IBAN faux est refusé, le bon part masqué.
    page.goto(f"{page.base_url}/renseignements/mon-compte/")
    page.get_by_role("link", name="Modifier les coordonnées bancaires").click()
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 188")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Cet IBAN n'est pas valide")).to_be_visible()
    _verifier_page(page)
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Demande de prélèvement automatique").check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Votre demande a été transmise à la mairie.")).to_be_visible()
    expect(page.get_by_text("Modification en attente de validation")).to_have_count(1)

    types = list(Demande.objects.order_by("id").values_list("type", "resume"))
    assert types == [
        ("enfants", "Ajout de l'enfant Paul"),
        ("autorisations", "Modification de 1 renseignement pour Lise"),
        ("bancaires", "Modification de 2 renseignements pour la famille DUPONT"),
    ]
