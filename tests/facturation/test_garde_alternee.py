"""Garde alternée : chaque jour est facturé au foyer que la règle de l'activité désigne (par
défaut le foyer qui a réservé) ; factures, solde et relevé restent propres à chaque foyer."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from facturation.models import Facture
from facturation.services import facturation_lancer
from reservations.models import FoyerFacture
from tests.factories import FamilleFactory, ResponsableFactory, compte_de

from .factories import ReservationFactory

NOVEMBRE = date(2026, 11, 1)


@pytest.fixture
def garde(autre_famille, cantine):
    """(MARTIN, BERNARD, Hugo, Repas) : Hugo mange 2 jours réservés par MARTIN et 3 par BERNARD."""
    _regie, repas = cantine
    hugo = autre_famille.enfants.get()
    bernard = FamilleFactory(numero="1003", nom="BERNARD", adresse="8 rue des Tilleuls")
    ResponsableFactory(famille=bernard, prenom="Paul", nom="BERNARD")
    hugo.second_foyer = bernard
    hugo.save(update_fields=["second_foyer"])
    for jour in (2, 3):
        ReservationFactory(
            enfant=hugo, famille=autre_famille, unite=repas, date=date(2026, 11, jour)
        )
    for jour in (5, 6, 9):
        ReservationFactory(enfant=hugo, famille=bernard, unite=repas, date=date(2026, 11, jour))
    return autre_famille, bernard, hugo, repas


def _facture(famille) -> Facture:
    return Facture.objects.get(famille=famille, periode_debut=NOVEMBRE)


def test_chaque_jour_est_facture_au_foyer_qui_l_a_reserve(garde):
    martin, bernard, _hugo, _repas = garde
    facturation_lancer(mois=NOVEMBRE)
    assert (_facture(martin).total, _facture(martin).lignes.count()) == (Decimal("6.80"), 2)
    assert (_facture(bernard).total, _facture(bernard).lignes.count()) == (Decimal("10.20"), 3)


def test_la_regle_de_l_activite_facture_toujours_le_meme_foyer(garde):
    martin, bernard, hugo, repas = garde
    FoyerFacture.objects.create(enfant=hugo, activite=repas.activite, famille=martin)
    facturation_lancer(mois=NOVEMBRE)
    assert (_facture(martin).total, _facture(martin).lignes.count()) == (Decimal("17.00"), 5)
    assert not Facture.objects.filter(famille=bernard).exists()


def test_les_factures_d_un_foyer_ne_se_voient_pas_de_l_autre(client, garde):
    martin, bernard, _hugo, _repas = garde
    facturation_lancer(mois=NOVEMBRE)
    facture_bernard = _facture(bernard)
    client.force_login(compte_de(martin))
    texte = client.get(reverse("facturation:factures")).content.decode()
    assert facture_bernard.numero not in texte and "10,20" not in texte
    assert _facture(martin).numero in texte
    assert (
        client.get(reverse("facturation:facture_pdf", args=[facture_bernard.pk])).status_code == 404
    )
