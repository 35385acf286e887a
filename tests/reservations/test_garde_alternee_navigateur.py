"""Parcours dans Chromium : Paul BERNARD réserve un jour pour Hugo (garde alternée) ; Claire
MARTIN le voit « Réservé par l'autre foyer » et ne peut pas le réserver (axe à chaque page)."""

from datetime import timedelta

from playwright.sync_api import expect

from reservations.models import EtatReservation, Reservation, Validation
from reservations.regles import Choix
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile
from tests.factories import FamilleFactory, ResponsableFactory

from .factories import ActiviteFactory, InscriptionFactory, PeriodeFactory, UniteFactory, ouvrir
from .test_reservation_navigateur import _connecter, _mois_prochain


def test_paul_reserve_pour_hugo_claire_voit_le_jour_de_l_autre_foyer(
    page, navigateur, autre_famille, mot_de_passe
):
    aujourdhui, debut, fin = _mois_prochain()
    activite = ActiviteFactory.create(nom="CANTINE", validation=Validation.AUTOMATIQUE)
    repas = UniteFactory.create(activite=activite, nom="Repas")
    PeriodeFactory.create(
        activite=activite, nom=f"CANTINE {debut:%m/%Y}", date_debut=debut, date_fin=fin
    )
    jours = [j for j in ouvrir(repas, debut, fin, (0, 1, 3, 4)) if j >= aujourdhui + timedelta(10)]
    hugo = autre_famille.enfants.get()
    InscriptionFactory.create(enfant=hugo, activite=activite)
    bernard = FamilleFactory(numero="1003", nom="BERNARD", adresse="8 rue des Tilleuls")
    ResponsableFactory(famille=bernard, prenom="Paul", nom="BERNARD")
    hugo.second_foyer = bernard
    hugo.save(update_fields=["second_foyer"])
    cle = Choix(hugo.pk, repas.pk, jours[0]).cle

    # Paul BERNARD réserve le premier jour pour Hugo.
    _connecter(page, bernard.numero, mot_de_passe)
    page.goto(f"{page.base_url}/reservations/")
    page.get_by_role("button", name=f"CANTINE {debut:%m/%Y}").click()
    expect(page.get_by_role("heading", name="Hugo MARTIN")).to_be_visible()
    page.locator(f"#c-{cle}").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(f"td:has(#c-{cle})")).to_contain_text("✓ Réservé")
    reservation = Reservation.objects.get(enfant=hugo, date=jours[0])
    assert (reservation.famille, reservation.etat) == (bernard, EtatReservation.RESERVEE)

    # Claire MARTIN, dans une autre session : le jour est à l'autre foyer.
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    claire = contexte.new_page()
    claire.base_url = page.base_url
    _connecter(claire, autre_famille.numero, mot_de_passe)
    claire.goto(f"{page.base_url}/reservations/")
    claire.get_by_role("button", name=f"CANTINE {debut:%m/%Y}").click()
    cellule = claire.locator(f"td:has(#c-{cle})")
    expect(cellule).to_contain_text("Réservé par l'autre foyer")
    expect(claire.locator(f"#c-{cle}")).to_be_disabled()
    expect(claire.locator("main")).not_to_contain_text("BERNARD")
    verifier_accessibilite(claire)
    verifier_largeur_mobile(claire)
    claire.goto(
        f"{page.base_url}/reservations/planning/{hugo.pk}/{jours[0].year}/{jours[0].month}/"
    )
    case = claire.locator(f'td[data-date="{jours[0]:%Y-%m-%d}"][data-etat="autre_foyer"]')
    expect(case).to_have_count(1)
    expect(case.locator("a")).to_have_count(0)  # ni réserver ni déclarer une absence
    verifier_accessibilite(claire)
    contexte.close()
    assert Reservation.objects.filter(enfant=hugo, date=jours[0]).count() == 1
