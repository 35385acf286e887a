"""Parcours navigateur : MARTIN paie par prélèvement (pré-notification, règlement, mandat PDF)."""

import io
import re

from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfReader

from facturation.prelevement.selectors import date_annoncee
from facturation.prelevement.services import prelevement_lancer
from familles.models import Famille
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import MOT_DE_PASSE, compte_de

from .factories import regie_cantine
from .prelevement import facture, mandat_signe, regie_sepa


def _verifier(page) -> None:
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_martin_sees_the_announced_debit_and_downloads_the_mandate(page, autre_famille):
    cache.clear()
    martin = autre_famille
    Famille.objects.filter(pk=martin.pk).update(prelevement=True)
    regie = regie_sepa(regie_cantine()[0])
    mandat = mandat_signe(martin, regie)
    aujourdhui = timezone.localdate()
    preleve = facture(martin, regie, aujourdhui, "8.50")
    jour = date_annoncee(preleve, regie)
    prelevement_lancer(regie=regie, date_prelevement=jour)
    annoncee = facture(martin, regie, aujourdhui, "17.00")
    texte = f"Cette facture sera prélevée le {jour:%d/%m/%Y} sur le compte FR76 **** **** 0189"

    page.goto(page.base_url + "/compte/login/")
    page.fill("#id_login", compte_de(martin).username)
    page.fill("#id_password", MOT_DE_PASSE)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))
    assert f"Prochain prélèvement : le {jour:%d/%m/%Y}" in page.inner_text("main")
    _verifier(page)

    page.get_by_role("link", name="Factures", exact=True).first.click()
    page.wait_for_url(re.compile(r"/factures/$"))
    ligne = page.locator("tr", has_text=annoncee.numero).inner_text()
    assert texte in ligne
    _verifier(page)

    page.get_by_role("link", name="Règlements").first.click()
    ligne = page.locator("tbody tr").first.inner_text()
    assert "Prélèvement" in ligne and f"{jour:%d/%m/%Y}" in ligne and "8,50 €" in ligne
    assert "Non" in ligne
    _verifier(page)

    page.goto(page.base_url + "/renseignements/mon-compte/")
    page.get_by_role("link", name="Mandat de prélèvement SEPA").click()
    page.wait_for_url(re.compile(r"/factures/prelevement/$"))
    assert mandat.rum in page.inner_text("main") and "Signé" in page.inner_text("main")
    _verifier(page)
    lien = page.get_by_role("link", name=re.compile("Mandat de prélèvement SEPA \\(PDF\\)"))
    reponse = page.request.get(page.base_url + lien.get_attribute("href"))
    assert reponse.headers["content-type"] == "application/pdf"
    pdf = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.body())).pages).split()
    )
    assert "Mandat de prélèvement SEPA" in pdf and mandat.rum in pdf
