"""Parcours dans Chromium : le parent réserve deux jours, envoie, l'agent accepte ligne par
ligne dans l'admin, les jours s'affichent en vert avec ✓ (axe et 375 px à chaque page)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from demandes.models import Demande, StatutDemande
from reservations.models import EtatReservation, Reservation, Validation
from reservations.regles import Choix
from tests.conftest import verifier_accessibilite, verifier_largeur_mobile

from .factories import ActiviteFactory, InscriptionFactory, PeriodeFactory, UniteFactory, ouvrir


def _mois_prochain():
    aujourdhui = timezone.localdate()
    debut = (aujourdhui.replace(day=1) + timedelta(days=32)).replace(day=1)
    fin = (debut + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return aujourdhui, debut, fin


def _connecter(page, identifiant, mot_de_passe) -> None:
    page.goto(f"{page.base_url}/compte/login/")
    page.fill("input[name=login]", identifiant)
    page.fill("input[name=password]", mot_de_passe)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name=re.compile("Bienvenue"))).to_be_visible()


def _verifier(page) -> None:
    verifier_accessibilite(page)
    verifier_largeur_mobile(page)


def test_reserver_deux_jours_l_agent_accepte_les_jours_sont_valides(
    page, navigateur, famille, admin_user_portail, mot_de_passe
):
    aujourdhui, debut, fin = _mois_prochain()
    activite = ActiviteFactory.create(nom="CANTINE", validation=Validation.MANUELLE)
    repas = UniteFactory.create(activite=activite, nom="Repas")
    periode = PeriodeFactory.create(
        activite=activite,
        nom=f"CANTINE {debut:%m/%Y}",
        date_debut=debut,
        date_fin=fin,
    )
    jours = [j for j in ouvrir(repas, debut, fin, (0, 1, 3, 4)) if j >= aujourdhui + timedelta(10)]
    lise = famille.enfants.get()
    InscriptionFactory.create(enfant=lise, activite=activite)
    cles = [Choix(lise.pk, repas.pk, j).cle for j in jours[:2]]

    _connecter(page, famille.numero, mot_de_passe)
    page.get_by_role("link", name="Réservations", exact=True).click()
    expect(page.get_by_role("heading", name="Réservations")).to_be_visible()
    _verifier(page)
    page.get_by_role("button", name=f"CANTINE {debut:%m/%Y}").click()
    expect(page.get_by_role("heading", name="Lise DUPONT")).to_be_visible()
    _verifier(page)

    for cle in cles:
        page.locator(f"#c-{cle}").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(
        page.get_by_text("Votre demande de réservations est prête à être envoyée.")
    ).to_be_visible()
    for jour in jours[:2]:
        expect(
            page.get_by_text(f"Ajout de la réservation du {jour:%d/%m/%Y} (Repas)")
        ).to_be_visible()
    _verifier(page)
    page.get_by_label("Vous pouvez ajouter un commentaire").fill("Merci !")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Votre demande de réservations est envoyée.")).to_be_visible()
    for cle in cles:
        expect(page.locator(f"td:has(#c-{cle})")).to_contain_text("Demande en attente")
        expect(page.locator(f"#c-{cle}")).to_be_disabled()
    _verifier(page)

    demande = Demande.objects.get(famille=famille)
    assert demande.resume.endswith("(2 ajouts)")

    # L'agent traite la demande ligne par ligne dans l'admin (une autre session).
    contexte_agent = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    agent = contexte_agent.new_page()
    agent.goto(f"{page.base_url}/admin/login/")
    agent.fill("input[name=username]", admin_user_portail.username)
    agent.fill("input[name=password]", mot_de_passe)
    agent.locator("input[type=submit]").click()
    agent.goto(f"{page.base_url}/admin/demandes/demande/{demande.pk}/traiter/")
    expect(agent.get_by_text("1 enfant inscrit, pas de limite").first).to_be_visible()
    agent.get_by_role("button", name="Valider le traitement").click()
    expect(agent.get_by_text("2 réservations validées").first).to_be_visible()
    contexte_agent.close()

    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.reponse == "2 réservations validées"
    assert list(Reservation.objects.values_list("etat", flat=True)) == [
        EtatReservation.RESERVEE,
        EtatReservation.RESERVEE,
    ]

    page.reload()
    for cle in cles:
        case = page.locator(f"td:has(#c-{cle})")
        expect(case).to_have_class(re.compile("jour-valide"))
        expect(case).to_contain_text("✓ Réservé")
        expect(page.locator(f"#c-{cle}")).to_be_checked()
    _verifier(page)
    assert periode.pk
