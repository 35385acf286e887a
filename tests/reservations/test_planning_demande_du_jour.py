"""Issue 13, point 1 : un jour du planning mène à une demande pour ce jour et cette unité,
un récapitulatif où cette seule ligne est cochée ; le service vérifie comme toujours."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from reservations.models import EtatReservation, Reservation
from reservations.regles import Choix
from reservations.services import jours_ouverture_generer, reservation_demander
from tests.factories import FamilleFactory, compte_de

from .factories_planning import PeriodeFactory, ReservationFactory, cantine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("le_16_novembre_2026")]


@pytest.fixture
def lise(famille):
    enfant = famille.enfants.get()
    unite = cantine(inscrit=enfant)
    periode = PeriodeFactory(
        activite=unite.activite, date_debut=date(2026, 11, 1), date_fin=date(2026, 11, 30)
    )
    jours_ouverture_generer(periode=periode)
    # Déjà réservé le 20 : la demande du 27 ne doit pas le supprimer.
    ReservationFactory(enfant=enfant, unite=unite, date=date(2026, 11, 20))
    return enfant


def _lien(lise, jour: str) -> str:
    unite = lise.inscriptions.get().activite.unites.get()
    periode = unite.activite.periodes.get()
    return (
        f"{reverse('reservations:reserver')}?periode={periode.pk}&enfant={lise.pk}"
        f"&unite={unite.pk}&jour={jour}"
    )


def test_le_planning_porte_le_jour_et_l_unite(client_parent, lise):
    url = reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])
    contenu = client_parent.get(url).content.decode()
    lien = _lien(lise, "2026-11-27").replace("&", "&amp;")
    assert f'href="{lien}" data-menu="reserver" aria-haspopup="menu"' in contenu
    reservation = lise.reservations.get(date=date(2026, 11, 20))
    absence = reverse("reservations:absence_declarer", args=[reservation.pk])
    assert f'href="{absence}" data-menu="absence"' in contenu


def test_un_jour_du_planning_mene_au_recapitulatif_de_ce_seul_jour(client_parent, lise):
    reponse = client_parent.get(_lien(lise, "2026-11-27"))
    assert reponse.status_code == 200
    assert reponse.templates[0].name == "reservations/reservation_recap.html"
    contenu = reponse.content.decode()
    assert "Votre demande de réservations est prête à être envoyée." in contenu
    lignes = [ligne.libelle for _, lignes in reponse.context["recap"] for ligne in lignes]
    assert len(lignes) == 1 and "27" in lignes[0], lignes
    assert "Vous n'avez rien modifié" not in contenu
    assert not Demande.objects.exists()

    # « Valider » envoie cette seule ligne ; la réservation du 20 reste.
    unite = lise.inscriptions.get().activite.unites.get()
    cle = f"{lise.pk}-{unite.pk}-20261127"
    assert reponse.context["affichees"] == [cle]
    donnees = {
        "c": reponse.context["coches"],
        "affiche": reponse.context["affichees"],
        "action": "valider",
        "commentaire": "",
    }
    envoi = client_parent.post(reponse.context["url_grille"], donnees)
    assert envoi.status_code == 302
    jours = sorted(r.date for r in Reservation.objects.filter(enfant=lise))
    assert jours == [date(2026, 11, 20), date(2026, 11, 27)]
    nouvelle = Reservation.objects.get(enfant=lise, date=date(2026, 11, 27))
    assert nouvelle.etat in (EtatReservation.DEMANDEE, EtatReservation.RESERVEE)
    assert lise.reservations.get(date=date(2026, 11, 20)).etat == EtatReservation.RESERVEE


def test_les_regles_du_serveur_s_appliquent_au_jour_du_planning(client_parent, lise):
    # Le 19 est dans le délai de 7 jours : pas de récapitulatif, la grille dit pourquoi.
    reponse = client_parent.get(_lien(lise, "2026-11-19"))
    assert reponse.status_code == 200
    assert reponse.templates[0].name == "reservations/reservation_grille.html"
    assert reponse.context["form"].non_field_errors()
    assert not Demande.objects.exists()
    # Un jour sans accueil (samedi) : refusé aussi.
    reponse = client_parent.get(_lien(lise, "2026-11-28"))
    assert reponse.templates[0].name == "reservations/reservation_grille.html"
    assert reponse.context["form"].errors
    # Une date illisible : 404.
    assert client_parent.get(_lien(lise, "27-11-2026")).status_code == 404


def test_une_autre_famille_ne_peut_pas_demander_le_jour(client, lise):
    autre = FamilleFactory()
    client.force_login(compte_de(autre))
    assert client.get(_lien(lise, "2026-11-27")).status_code == 404
    assert not Demande.objects.exists()


def test_legende_distingue_la_reservation_en_cours_de_traitement(client_parent, famille, lise):
    """Issue 13, point 6 : « Réservation en cours de traitement » (un jour réservé dont la
    suppression attend la mairie) n'est pas « Demande en attente » (un jour demandé), et
    « Présent » se dit « présent sur le jour réservé »."""
    unite = lise.inscriptions.get().activite.unites.get()
    ReservationFactory(
        enfant=lise, unite=unite, date=date(2026, 11, 27), etat=EtatReservation.DEMANDEE
    )
    ReservationFactory(
        enfant=lise, unite=unite, date=date(2026, 11, 2), etat=EtatReservation.PRESENT
    )
    ReservationFactory(enfant=lise, unite=unite, date=date(2026, 11, 30))
    reservation_demander(
        famille=famille,
        periode=unite.activite.periodes.get(),
        ajouts=[],
        suppressions=[Choix(lise.pk, unite.pk, date(2026, 11, 30))],
        commentaire="",
        auteur=compte_de(famille),
        maintenant=timezone.now(),
    )
    url = reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])
    contenu = client_parent.get(url).content.decode()
    assert 'data-date="2026-11-30" data-etat="en_traitement"' in contenu
    assert 'data-date="2026-11-27" data-etat="demandee"' in contenu
    assert 'data-date="2026-11-20" data-etat="reservee"' in contenu
    assert 'data-date="2026-11-02" data-etat="present"' in contenu
    legende = contenu[contenu.index('<h2 class="h5 mt-4">Légende</h2>') :]
    for libelle in (
        "Demande en attente",
        "Réservation en cours de traitement",
        "Présent (jour réservé)",
    ):
        assert libelle in legende


def test_le_recapitulatif_du_jour_en_un_nombre_fixe_de_requetes(client_parent, lise):
    def compter() -> int:
        with CaptureQueriesContext(connection) as requetes:
            reponse = client_parent.get(_lien(lise, "2026-11-27"))
        assert reponse.templates[0].name == "reservations/reservation_recap.html"
        return len(requetes)

    avant = compter()
    unite = lise.inscriptions.get().activite.unites.get()
    for jour in (23, 24, 26, 30):
        ReservationFactory(enfant=lise, unite=unite, date=date(2026, 11, jour))
    assert compter() == avant
