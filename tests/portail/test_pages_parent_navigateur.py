"""Toutes les pages du menu parent, sur téléphone (375 px) et sur ordinateur (1280 px).

Pour DUPONT après `manage.py demo` : pas de défilement horizontal, aucune violation axe,
la page courante marquée dans le menu, et aucun mot coupé en deux dans le menu ni dans les
tableaux (« Mon ta nt », « 17, 00 € » sur deux lignes).
"""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import verifier_accessibilite

# Pour chaque élément visible du sélecteur, les mots dont les morceaux tombent sur plusieurs
# lignes (un mot coupé a des rectangles de hauteurs différentes).
MOTS_COUPES = """
(selecteur) => {
  const coupes = [];
  for (const el of document.querySelectorAll(selecteur)) {
    const boite = el.getBoundingClientRect();
    if (boite.width <= 1 || boite.height <= 1) continue;
    const marcheur = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let noeud;
    while ((noeud = marcheur.nextNode())) {
      const texte = noeud.textContent;
      for (const m of texte.matchAll(/\\S+/g)) {
        const r = document.createRange();
        r.setStart(noeud, m.index);
        r.setEnd(noeud, m.index + m[0].length);
        const hauts = new Set(Array.from(r.getClientRects())
          .filter((x) => x.width > 0).map((x) => Math.round(x.top)));
        if (hauts.size > 1) coupes.push(m[0]);
      }
    }
  }
  return coupes;
}
"""

DEBORDE = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _verifier_page(page, largeur: int) -> None:
    page.set_viewport_size({"width": largeur, "height": 900})
    assert not page.evaluate(DEBORDE), f"{page.url} défile horizontalement à {largeur} px."
    if largeur < 992:
        page.get_by_role("button", name="Ouvrir le menu").click()
        expect(page.locator("#menu")).to_be_visible()
        expect(page.locator("#menu")).not_to_have_class(re.compile(r"\bcollapsing\b"))
    coupes = page.evaluate(MOTS_COUPES, ".entete .nav-link, main table th, main table td")
    assert not coupes, f"{page.url} à {largeur} px : mots coupés {coupes}"
    # Un menu sur une ligne par entrée : chaque lien tient sur une ligne.
    hauteurs = page.evaluate(
        """() => Array.from(document.querySelectorAll('.menu-principal .nav-link')).map((a) => {
             const s = getComputedStyle(a);
             const ligne = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;
             const contenu = a.getBoundingClientRect().height
               - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
             return [a.textContent.trim(), contenu <= ligne * 1.2];
           })"""
    )
    assert hauteurs and all(ok for _, ok in hauteurs), hauteurs
    verifier_accessibilite(page)


def test_dupont_visite_chaque_page_du_menu_sur_telephone_et_ordinateur(page):
    call_command("demo")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("jean.dupont@example.fr")
    page.get_by_label("Mot de passe").fill("Demo-Parent-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bienvenue Jean DUPONT")).to_be_visible()

    menu = page.get_by_role("navigation", name="Menu principal")
    entrees = menu.locator(".menu-principal .nav-link").evaluate_all(
        "els => els.map((a) => [a.textContent.trim(), a.getAttribute('href')])"
    )
    libelles = [libelle for libelle, _ in entrees]
    for attendu in [
        "Accueil",
        "Renseignements",
        "Réservations",
        "Planning",
        "Factures",
        "Règlements",
        "Relevé de compte",
        "Pièces",
        "Historique",
        "Boîte de réception",
        "Infos",
    ]:
        assert attendu in libelles, libelles
    entrees.append(("Gestion du compte", "/compte/password/change/"))

    for libelle, lien in entrees:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(page.base_url + lien)
        # La page d'arrivée est marquée dans le menu (Planning mène au mois de l'enfant).
        if libelle not in ("Planning", "Gestion du compte"):
            courant = page.locator('.entete a[aria-current="page"]:visible')
            expect(courant).to_have_text(libelle)
        expect(page.locator("main h1")).to_have_count(1)
        expect(page.locator("footer")).to_contain_text("portail@example.fr")
        for largeur in (1280, 375):
            _verifier_page(page, largeur)
            page.reload()


def test_tableau_des_factures_en_cartes_sur_telephone(page):
    call_command("demo")
    page.goto(page.base_url + "/compte/login/")
    page.get_by_label("Identifiant (numéro de famille ou e-mail)").fill("jean.dupont@example.fr")
    page.get_by_label("Mot de passe").fill("Demo-Parent-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(page.base_url + "/factures/")
    cellule = page.locator('main table td[data-label="Reste à régler"]').first
    expect(cellule).to_have_text(re.compile(r"17,00\xa0€|17,00 €"))
    # Le montant tient sur une ligne, précédé de l'intitulé de sa colonne.
    hauteur = cellule.evaluate("c => c.getBoundingClientRect().height")
    assert hauteur < 40
    avant = cellule.evaluate("c => getComputedStyle(c, '::before').content")
    assert avant == '"Reste à régler"'
