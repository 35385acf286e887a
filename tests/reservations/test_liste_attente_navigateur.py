"""Parcours dans Chromium : DUPONT s'inscrit sur la liste d'attente d'un mercredi complet,
un agent retire la réservation d'une autre famille dans l'admin, le jour de DUPONT devient
vert (« ✓ Réservé »). Axe et 375 px sur les pages du parent."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from reservations.models import EtatReservation, Reservation, Validation
from reservations.regles import Choix

from .factories import ActiviteFactory, InscriptionFactory, PeriodeFactory, UniteFactory, ouvrir
from .test_reservation_navigateur import _connecter, _mois_prochain, _verifier


def test_liste_d_attente_puis_place_attribuee(
    page, navigateur, famille, autre_famille, admin_user_portail, mot_de_passe
):
    aujourdhui, debut, fin = _mois_prochain()
    activite = ActiviteFactory.create(
        nom="ALSH MERCREDI", type="alsh", validation=Validation.AUTOMATIQUE
    )
    journee = UniteFactory.create(activite=activite, nom="Journée", capacite=1)
    PeriodeFactory.create(
        activite=activite, nom=f"ALSH {debut:%m/%Y}", date_debut=debut, date_fin=fin
    )
    jour = next(j for j in ouvrir(journee, debut, fin, (2,)) if j >= aujourdhui + timedelta(10))
    lise, hugo = famille.enfants.get(), autre_famille.enfants.get()
    for enfant in (lise, hugo):
        InscriptionFactory.create(enfant=enfant, activite=activite)
    place_de_hugo = Reservation.objects.create(
        enfant=hugo, famille=autre_famille, unite=journee, date=jour, etat=EtatReservation.RESERVEE
    )
    cle = Choix(lise.pk, journee.pk, jour).cle

    _connecter(page, famille.numero, mot_de_passe)
    page.get_by_role("link", name="Réservations", exact=True).click()
    page.get_by_role("button", name=f"ALSH {debut:%m/%Y}").click()
    cellule = page.locator(f"td:has(#c-{cle})")
    expect(cellule).to_contain_text("Complet")
    expect(page.locator(f"#c-{cle}")).to_be_disabled()
    _verifier(page)
    page.locator(f"#a-{cle}").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(
        page.get_by_text(f"Inscription sur liste d'attente du {jour:%d/%m/%Y} (Journée)")
    ).to_be_visible()
    _verifier(page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("1 inscription sur liste d'attente").first).to_be_visible()
    expect(page.locator(f"#attente-{cle}")).to_contain_text("1er sur la liste d'attente")
    _verifier(page)

    # Un agent retire la réservation de Hugo (MARTIN) dans l'admin : une autre session.
    contexte_agent = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    agent = contexte_agent.new_page()
    agent.goto(f"{page.base_url}/admin/login/")
    agent.fill("input[name=username]", admin_user_portail.username)
    agent.fill("input[name=password]", mot_de_passe)
    agent.locator("input[type=submit]").click()
    agent.goto(f"{page.base_url}/admin/reservations/reservation/{place_de_hugo.pk}/delete/")
    agent.locator("input[type=submit]").click()
    expect(agent.locator(".messagelist")).to_contain_text("supprimé")
    contexte_agent.close()

    page.reload()
    cellule = page.locator(f"td:has(#c-{cle})")
    expect(cellule).to_have_class(re.compile("jour-valide"))
    expect(cellule).to_contain_text("✓ Réservé")
    expect(cellule).to_have_css("background-color", "rgb(209, 231, 221)")
    _verifier(page)
    reservation = Reservation.objects.get(enfant=lise, date=jour)
    assert reservation.etat == EtatReservation.RESERVEE
    assert not Reservation.objects.filter(enfant=hugo).exists()
