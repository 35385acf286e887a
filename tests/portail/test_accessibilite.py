"""Déclaration d'accessibilité (RGAA 4.1), plan du site et lien du pied de page."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from portail.noyau.models import StatutAccessibilite, User
from tests.factories import compte_de


def test_footer_links_to_the_statement_with_the_towns_status(client, configuration):
    html = client.get(reverse("account_login")).content.decode()
    assert ">Accessibilité : partiellement conforme</a>" in html
    configuration.accessibilite_statut = StatutAccessibilite.NON
    configuration.save()
    cache.clear()
    html = client.get(reverse("account_login")).content.decode()
    assert ">Accessibilité : non conforme</a>" in html
    assert f'href="{reverse("portail:plan_du_site")}">Plan du site</a>' in html


def test_statement_has_the_rgaa_structure_and_the_automated_checks_by_default(
    client, configuration
):
    configuration.telephone_mairie = "03 21 00 00 00"
    configuration.save()
    cache.clear()
    reponse = client.get(reverse("portail:accessibilite"))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    for titre in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Technologies utilisées pour la réalisation du portail",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert f">{titre}</h" in html, titre
    assert "<strong>partiellement conforme</strong>" in html and "RGAA), version 4.1" in html
    assert "axe-core" in html and "clavier seul" in html and "375 pixels" in html
    assert "ne sont pas balisés" in html
    assert "établie le 01/12/2026" in html
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html
    assert "portail@example.fr" in html and "03 21 00 00 00" in html


def test_statement_shows_the_towns_audit_and_its_own_list(client, configuration):
    configuration.accessibilite_statut = StatutAccessibilite.TOTALEMENT
    configuration.accessibilite_audit = "Audit du cabinet X : 100 % des critères respectés."
    configuration.accessibilite_contenus_non_accessibles = "Vidéo de présentation\n\n"
    configuration.accessibilite_date = date(2027, 3, 2)
    configuration.save()
    cache.clear()
    html = client.get(reverse("portail:accessibilite")).content.decode()
    assert "Audit du cabinet X" in html and "axe-core (règles" not in html
    assert "<li>Vidéo de présentation</li>" in html and "ne sont pas balisés" not in html
    assert (
        "<strong>totalement conforme</strong>" in html and "non-conformités énumérées" not in html
    )
    assert "établie le 02/03/2027" in html


@pytest.mark.parametrize("nom", ["portail:accessibilite", "portail:plan_du_site"])
def test_public_pages_stay_reachable_during_first_login(client, famille, nom):
    User.objects.filter(pk=compte_de(famille).pk).update(doit_changer_mot_de_passe=True)
    client.force_login(compte_de(famille))
    assert client.get(reverse(nom)).status_code == 200
    assert client.get(reverse("facturation:factures")).status_code == 302


def test_site_map_lists_the_menu_pages_and_the_information_pages(client_parent, configuration):
    html = client_parent.get(reverse("portail:plan_du_site")).content.decode()
    for libelle, nom in (
        ("Renseignements", "familles:renseignements"),
        ("Factures", "facturation:factures"),
        ("Historique", "demandes:historique"),
        ("Gestion du compte", "account_change_password"),
        ("Déclaration d'accessibilité", "portail:accessibilite"),
        ("Conditions d'utilisation", "portail:conditions"),
    ):
        assert f'href="{reverse(nom)}">{libelle}</a>' in html, libelle
    configuration.factures_actives = False
    configuration.save()
    cache.clear()
    html = client_parent.get(reverse("portail:plan_du_site")).content.decode()
    assert f'href="{reverse("facturation:factures")}"' not in html
