"""Dans Chromium, la politique de contenu ne bloque rien dont le portail a besoin : aucune
violation n'est signalée sur les pages des parents et de l'admin, et les scripts marchent."""

import re

import pytest
from django.core.cache import cache

from portail.noyau.models import Configuration
from tests.factories import MOT_DE_PASSE, compte_de

from . import objets

pytestmark = pytest.mark.django_db(transaction=True)


def _violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def _connecter(page, identifiant: str) -> None:
    page.goto(page.base_url + "/compte/login/")
    page.fill("#id_login", identifiant)
    page.fill("#id_password", MOT_DE_PASSE)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/(admin/)?$"))


def test_aucune_violation_de_la_politique_de_contenu(page, famille, admin_user_portail):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    cache.clear()
    objets.facture(famille)
    demande = objets.demande(famille)
    violations = _violations(page)

    _connecter(page, compte_de(famille).username)
    for chemin in ("/", "/renseignements/", "/reservations/planning/", "/demandes/"):
        page.goto(page.base_url + chemin)
    page.goto(page.base_url + "/factures/payer/")
    assert page.inner_text("#total-paiement") == "17,00 €"
    page.uncheck("input[name=factures]")  # le script static/js/paiement.js a bien tourné
    assert page.inner_text("#total-paiement") == "0,00 €"
    page.context.clear_cookies()  # la déconnexion renvoie vers le site de la commune

    _connecter(page, admin_user_portail.username)
    for chemin in (
        "/admin/",
        "/admin/demandes/demande/",
        f"/admin/demandes/demande/{demande.pk}/change/",
        "/admin/familles/famille/",
        f"/admin/familles/famille/{famille.pk}/change/",
    ):
        reponse = page.goto(page.base_url + chemin)
        assert reponse is not None and reponse.status == 200, chemin
        assert "Content-Security-Policy" in reponse.all_headers() or (
            "content-security-policy" in reponse.all_headers()
        )
    assert violations == []
