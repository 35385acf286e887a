"""Parcours dans Chromium : l'Historique du parent et le traitement par l'agent dans l'admin."""

import re

from playwright.sync_api import expect

from demandes.models import StatutDemande
from demandes.services import demande_accepter, demande_refuser
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile

from .factories import demande_famille


def _connecter_parent(page, famille, mot_de_passe) -> None:
    page.goto(f"{page.base_url}/compte/login/")
    page.fill("input[name=login]", famille.numero)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name=re.compile("Bienvenue"))).to_be_visible()


def test_parent_consulte_son_historique_le_detail_et_supprime_une_demande(
    page, famille, agent, mot_de_passe
):
    en_attente = demande_famille(famille, ville="LENS", resume="Changement d'adresse")
    acceptee = demande_famille(famille, ville="DOUAI", resume="Déménagement à Douai")
    demande_accepter(demande=acceptee, agent=agent, reponse="1 renseignement modifié (Ville)")
    refusee = demande_famille(famille, ville="ARRAS", resume="Déménagement à Arras")
    demande_refuser(demande=refusee, agent=agent, motif="Adresse hors commune.")

    _connecter_parent(page, famille, mot_de_passe)
    expect(page.get_by_text("Vous avez 1 demande en attente de traitement")).to_be_visible()
    page.get_by_role("link", name="Historique", exact=True).click()
    expect(page.get_by_role("heading", name="Historique des demandes")).to_be_visible()
    expect(page.get_by_text("Demande en attente de traitement.")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(r"Votre demande a été traitée le \d\d/\d\d/\d{4}\. Réponse : 1")
        )
    ).to_be_visible()
    expect(page.get_by_text("Réponse : Adresse hors commune.")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_role("link", name="Détail de la demande « Déménagement à Douai »").click()
    expect(page.get_by_role("heading", name="Détail de la demande")).to_be_visible()
    expect(page.get_by_role("cell", name="DOUAI")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)

    page.get_by_role("link", name="Retour à l'historique").click()
    page.get_by_role("link", name="Supprimer la demande « Changement d'adresse »").click()
    expect(page.get_by_text("Voulez-vous vraiment supprimer votre demande")).to_be_visible()
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)
    page.get_by_role("button", name="Supprimer la demande").click()
    expect(
        page.get_by_text("Votre demande « Changement d'adresse » a été supprimée.")
    ).to_be_visible()
    expect(page.get_by_text("Demande en attente de traitement.")).to_have_count(0)
    en_attente.refresh_from_db()
    assert en_attente.statut == StatutDemande.ANNULEE


def test_agent_accepte_une_demande_dans_l_admin(page, famille, admin_user_portail, mot_de_passe):
    demande = demande_famille(famille, ville="LENS", resume="Changement de ville")
    page.goto(f"{page.base_url}/admin/login/")
    page.fill("input[name=username]", admin_user_portail.username)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("input[type=submit]").click()
    page.goto(f"{page.base_url}/admin/demandes/demande/")
    page.locator(f"input[name=_selected_action][value='{demande.pk}']").check()
    page.select_option("select[name=action]", "accepter")
    page.locator("button[name=index]").first.click()
    page.get_by_label("Réponse à la famille").fill("Votre nouvelle adresse est enregistrée.")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("1 demande acceptée.")).to_be_visible()
    demande.refresh_from_db()
    famille.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.reponse == "Votre nouvelle adresse est enregistrée."
    assert famille.ville == "LENS"
