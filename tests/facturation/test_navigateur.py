"""Parcours navigateur : DUPONT paie sa facture CA000153 par le simulateur PayFiP."""

import re
from datetime import date

from django.core.cache import cache

from facturation.models import Regie
from portail.noyau.models import Configuration
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import MOT_DE_PASSE, compte_de

from .factories import facturer_jours, regie_cantine


def _verifier(page) -> None:
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_parent_pays_demo_invoice_through_payfip_stand_in(page, famille):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    cache.clear()
    _regie, repas = regie_cantine()
    Regie.objects.update(prochain_numero_facture=153)
    facturer_jours(famille, repas, [date(2026, 9, j) for j in (1, 3, 4, 7, 8)])

    page.goto(page.base_url + "/compte/login/")
    page.fill("#id_login", compte_de(famille).username)
    page.fill("#id_password", MOT_DE_PASSE)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))
    assert "17,00 €" in page.content()  # bloc d'accueil : solde et facture impayée
    _verifier(page)

    page.get_by_role("link", name="Factures", exact=True).first.click()
    page.wait_for_url(re.compile(r"/factures/$"))
    assert "Il reste 1 facture à régler pour un total de 17,00 €" in page.inner_text("main")
    _verifier(page)

    page.get_by_role("link", name="Payer en ligne").click()
    page.wait_for_url(re.compile(r"/factures/payer/$"))
    assert page.is_checked("input[name=factures]")
    assert page.inner_text("#total-paiement") == "17,00 €"
    page.uncheck("input[name=factures]")
    assert page.inner_text("#total-paiement") == "0,00 €"
    page.check("input[name=factures]")
    _verifier(page)
    page.get_by_role("button", name="Payer").click()

    page.wait_for_url(re.compile(r"/payfip-simulateur/paiement/"))
    assert "CA000153" in page.inner_text("main") and "17,00 €" in page.inner_text("main")
    _verifier(page)
    page.get_by_role("button", name="Payer par carte bancaire").click()

    page.wait_for_url(re.compile(r"/factures/payer/[0-9a-f-]+/$"))
    assert "est enregistré" in page.inner_text("main")
    _verifier(page)

    page.get_by_role("link", name="Retour aux factures").click()
    cellules = page.locator("tr", has_text="CA000153").locator("td").all_inner_texts()
    assert cellules[3:6] == ["17,00 €", "17,00 €", "0,00 €"]
    page.get_by_role("link", name="Règlements").first.click()
    ligne = page.locator("tbody tr").first.inner_text()
    assert "Paiement en ligne" in ligne and "Non" in ligne
    _verifier(page)

    page.get_by_role("link", name="Relevé de compte").first.click()
    assert "Règlement : Paiement en ligne" in page.inner_text("main")
    _verifier(page)
