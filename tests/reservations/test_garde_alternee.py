"""Garde alternée : Hugo vit chez Claire MARTIN et chez Paul BERNARD (second foyer).

Chaque foyer réserve pour Hugo ; un jour pris par l'autre foyer se voit « Réservé par
l'autre foyer », sans rien révéler de ce foyer, et ne peut être ni coché ni annulé.
"""

from datetime import date
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familles.models import Enfant, Famille
from reservations.models import EtatReservation, Reservation
from reservations.regles import Choix
from reservations.services import reservation_demander
from tests.concurrence import en_parallele
from tests.factories import FamilleFactory, ResponsableFactory, compte_de

pytestmark = pytest.mark.usefixtures("lundi_26_octobre")

MERCREDI = date(2026, 11, 18)


def _bernard(hugo: Enfant):
    bernard = cast(
        Famille,
        FamilleFactory(
            numero="1003", nom="BERNARD", adresse="8 rue des Tilleuls", email="paul@example.fr"
        ),
    )
    ResponsableFactory(famille=bernard, prenom="Paul", nom="BERNARD", telephone_mobile="0622334455")
    hugo.second_foyer = bernard
    hugo.save(update_fields=["second_foyer"])
    return bernard


@pytest.fixture
def foyers(autre_famille):
    """(MARTIN, BERNARD, Hugo) : Hugo, enfant de MARTIN, vit aussi chez BERNARD."""
    hugo = autre_famille.enfants.get()
    return autre_famille, _bernard(hugo), hugo


def _demander(famille, hugo, alsh, jour=MERCREDI, **kwargs):
    return reservation_demander(
        famille=famille,
        periode=alsh.periode,
        ajouts=[Choix(hugo.pk, alsh.journee.pk, jour)],
        suppressions=[],
        **kwargs,
    )


def _grille(client, alsh, hugo):
    url = f"{reverse('reservations:reserver')}?periode={alsh.periode.pk}&enfant={hugo.pk}"
    return client.get(url)


def test_le_second_foyer_reserve_pour_l_enfant_et_le_jour_est_a_lui(foyers, alsh):
    _martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh)
    reservation = Reservation.objects.get(enfant=hugo, unite=alsh.journee, date=MERCREDI)
    assert reservation.famille == bernard
    assert reservation.demande.famille == bernard


def test_le_jour_de_l_autre_foyer_se_voit_reserve_par_l_autre_foyer_sans_rien_de_lui(
    client, foyers, alsh
):
    martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh, commentaire="Note privée de Paul")
    client.force_login(compte_de(martin))
    texte = _grille(client, alsh, hugo).content.decode()
    assert "Réservé par l&#x27;autre foyer" in texte or "Réservé par l'autre foyer" in texte
    cle = Choix(hugo.pk, alsh.journee.pk, MERCREDI).cle
    assert f'value="{cle}" id="c-{cle}" disabled' in texte
    for secret in ("BERNARD", "Paul", "Tilleuls", "06 22 33 44 55", "0622334455", "Note privée"):
        assert secret not in texte


def test_le_foyer_de_l_enfant_ne_peut_ni_reprendre_ni_annuler_le_jour_de_l_autre(foyers, alsh):
    martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh)
    with pytest.raises(ValidationError, match="déjà réservé par l'autre foyer"):
        _demander(martin, hugo, alsh)
    Reservation.objects.filter(enfant=hugo).update(etat=EtatReservation.RESERVEE)
    with pytest.raises(ValidationError, match="réservé par l'autre foyer : lui seul l'annule"):
        reservation_demander(
            famille=martin,
            periode=alsh.periode,
            ajouts=[],
            suppressions=[Choix(hugo.pk, alsh.journee.pk, MERCREDI)],
        )
    assert Reservation.objects.get(enfant=hugo).famille == bernard


def test_la_capacite_est_comptee_une_fois_pour_les_deux_foyers(famille, foyers, alsh):
    """Journée : capacité 1. Le jour de Hugo chez BERNARD prend la place de tout le monde."""
    _martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh)
    with pytest.raises(ValidationError, match="complet"):
        _demander(famille, famille.enfants.get(prenom="Lise"), alsh)


def test_le_planning_montre_le_jour_de_l_autre_foyer_sans_lien(client, foyers, alsh):
    martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh)
    Reservation.objects.filter(enfant=hugo).update(etat=EtatReservation.RESERVEE)
    client.force_login(compte_de(martin))
    texte = client.get(
        reverse("reservations:planning_mois", args=[hugo.pk, 2026, 11])
    ).content.decode()
    assert 'data-date="2026-11-18" data-etat="autre_foyer"' in texte
    reservation = Reservation.objects.get(enfant=hugo)
    assert reverse("reservations:absence_declarer", args=[reservation.pk]) not in texte
    assert "BERNARD" not in texte


def test_l_autre_foyer_ne_declare_pas_d_absence_sur_ce_jour(client, foyers, alsh):
    martin, bernard, hugo = foyers
    _demander(bernard, hugo, alsh)
    reservation = Reservation.objects.get(enfant=hugo)
    reservation.etat = EtatReservation.RESERVEE
    reservation.save()
    url = reverse("reservations:absence_declarer", args=[reservation.pk])
    client.force_login(compte_de(martin))
    assert client.get(url).status_code == 404
    client.force_login(compte_de(bernard))
    assert client.get(url).status_code == 200


def test_un_foyer_etranger_ne_voit_pas_l_enfant_partage(client, famille, foyers, alsh):
    _martin, _bernard, hugo = foyers
    client.force_login(compte_de(famille))
    assert _grille(client, alsh, hugo).status_code == 404
    assert (
        client.get(reverse("reservations:planning_mois", args=[hugo.pk, 2026, 11])).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_deux_foyers_reservent_le_meme_jour_au_meme_instant_une_seule_reservation(
    famille, autre_famille, alsh
):
    hugo = autre_famille.enfants.get()
    bernard = _bernard(hugo)
    # Sans limite de places : seule la règle « un jour, une réservation » départage.
    alsh.journee.capacite = None
    alsh.journee.save()
    resultats = en_parallele(
        lambda: _demander(autre_famille, hugo, alsh),
        lambda: _demander(bernard, hugo, alsh),
    )
    assert sorted(resultats) == [
        "Le 18/11/2026 (Journée) est déjà réservé par l'autre foyer.",
        "fait",
    ]
    assert Reservation.objects.filter(enfant=hugo, date=MERCREDI).count() == 1
