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
        cellule = page.locator(f"td:has(#c-{cle})")
        expect(cellule).to_have_class(re.compile("jour-valide"))
        expect(cellule).to_contain_text("✓ Réservé")
        # Vert pour de vrai : les cases de Bootstrap 5.3 peignent leur fond par --bs-table-bg.
        expect(cellule).to_have_css("background-color", "rgb(209, 231, 221)")
        expect(page.locator(f"#c-{cle}")).to_be_checked()
    _verifier(page)
    assert periode.pk


def test_grille_alsh_etats_et_semaine_type(page, famille, autre_famille, mot_de_passe):
    """Tous les états de la grille (complet, refusé, en attente, réservé, fermé) restent
    accessibles ; la semaine-type remplit la période sans JavaScript."""
    from reservations.models import Fermeture

    aujourdhui, debut, fin = _mois_prochain()
    activite = ActiviteFactory.create(nom="ALSH MERCREDI", type="alsh")
    journee = UniteFactory.create(activite=activite, nom="Journée", ordre=0, capacite=1)
    matin = UniteFactory.create(activite=activite, nom="Matin", ordre=1, capacite=24)
    apres_midi = UniteFactory.create(activite=activite, nom="Après-midi", ordre=2, capacite=24)
    journee.incompatibles.add(matin, apres_midi)
    PeriodeFactory.create(
        activite=activite, nom=f"ALSH {debut:%m/%Y}", date_debut=debut, date_fin=fin
    )
    for unite in (journee, matin, apres_midi):
        mercredis = ouvrir(unite, debut, fin, (2,))
    w = [j for j in mercredis if j >= aujourdhui + timedelta(8)]
    lise = famille.enfants.get()
    hugo = autre_famille.enfants.get()
    for enfant in (lise, hugo):
        InscriptionFactory.create(enfant=enfant, activite=activite)
    Reservation.objects.create(
        enfant=hugo, famille=hugo.famille, unite=journee, date=w[0], etat="reservee"
    )
    Reservation.objects.create(
        enfant=lise, famille=lise.famille, unite=matin, date=w[0], etat="reservee"
    )
    Reservation.objects.create(
        enfant=lise, famille=lise.famille, unite=journee, date=w[1], etat="refusee"
    )
    Reservation.objects.create(
        enfant=lise, famille=lise.famille, unite=matin, date=w[1], etat="demandee"
    )
    Fermeture.objects.create(activite=activite, date=w[2], motif="Sortie")

    _connecter(page, famille.numero, mot_de_passe)
    page.goto(f"{page.base_url}/reservations/")
    page.get_by_role("button", name=f"ALSH {debut:%m/%Y}").click()
    expect(page.locator(f"td:has(#c-{Choix(lise.pk, journee.pk, w[0]).cle})")).to_contain_text(
        "Complet"
    )
    expect(page.locator(f"td:has(#c-{Choix(lise.pk, journee.pk, w[1]).cle})")).to_contain_text(
        "Réservation refusée"
    )
    expect(page.get_by_text("Fermé (Sortie)").first).to_be_visible()
    _verifier(page)

    page.get_by_text("Semaine-type", exact=True).click()
    page.get_by_label("Après-midi le mercredi").check()
    page.get_by_role("button", name="Appliquer une semaine-type").click()
    expect(page.get_by_text("La semaine-type est appliquée à la période")).to_be_visible()
    for jour in (w[0], w[1]):
        expect(page.locator(f"#c-{Choix(lise.pk, apres_midi.pk, jour).cle}")).to_be_checked()
    expect(page.locator(f"#c-{Choix(lise.pk, apres_midi.pk, w[2]).cle}")).not_to_be_checked()
    _verifier(page)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(
        page.get_by_text(f"Ajout de la réservation du {w[0]:%d/%m/%Y} (Après-midi)")
    ).to_be_visible()
    _verifier(page)
    assert not Demande.objects.exists()
