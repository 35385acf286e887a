# ruff: noqa: F811  (la fixture alsh des réservations est importée)
"""Suspension des nouvelles réservations au-delà de X € d'impayés échus depuis N jours :
refus du service (message en français), réservations existantes et suppressions permises,
accueil qui le dit, levée par un régisseur. La règle est déclarée par facturation au registre
et consultée par reservations."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demandes.services import demande_accepter
from facturation.models import Facture
from facturation.services.suspension import suspension_lever, suspension_retablir
from portail.noyau.configuration import vider_cache_configuration
from reservations.models import EtatReservation, Reservation
from reservations.regles import Choix
from reservations.services import reservation_demander
from tests.reservations.conftest import a_paris, alsh  # noqa: F401  (fixture)

from .factories import facturer_jours, regie_cantine

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Vos nouvelles réservations sont suspendues : 120,60 € de factures échues restent à "
    "régler. Payez en ligne ou contactez la mairie."
)


@pytest.fixture
def impayes(famille, configuration, time_machine):
    """Une facture de 120,60 € échue le 15/09/2026 ; nous sommes le 26/10/2026."""
    time_machine.move_to(a_paris(date(2026, 10, 26)), tick=False)
    _regie, repas = regie_cantine(prix="20.10")
    facture = facturer_jours(famille, repas, [date(2026, 9, j) for j in (1, 3, 4, 7, 8, 10)])
    Facture.objects.filter(pk=facture.pk).update(echeance=date(2026, 9, 15))
    return facture


def _regle(configuration, seuil: str | None, jours: int = 30) -> None:
    configuration.impayes_seuil = Decimal(seuil) if seuil is not None else None
    configuration.impayes_jours = jours
    configuration.save()
    vider_cache_configuration()


def _demander(famille, alsh, *, ajouts=(), suppressions=()):
    enfant = famille.enfants.get(prenom="Lise")
    return reservation_demander(
        famille=famille,
        periode=alsh.periode,
        ajouts=[Choix(enfant.pk, alsh.matin.pk, j) for j in ajouts],
        suppressions=[Choix(enfant.pk, alsh.matin.pk, j) for j in suppressions],
    )


def test_regle_coupee_par_defaut(famille, alsh, impayes):
    assert _demander(famille, alsh, ajouts=[date(2026, 11, 18)])


def test_au_dela_du_seuil_les_nouvelles_reservations_sont_suspendues(
    client_parent, famille, alsh, impayes, configuration, agent
):
    (demande,) = _demander(famille, alsh, ajouts=[date(2026, 11, 18)])
    demande_accepter(demande=demande, agent=agent)
    _regle(configuration, "100.00")
    with pytest.raises(ValidationError) as erreur:
        _demander(famille, alsh, ajouts=[date(2026, 11, 25)])
    assert erreur.value.messages == [MESSAGE]
    # La suppression d'une réservation existante reste possible.
    assert _demander(famille, alsh, suppressions=[date(2026, 11, 18)])
    assert Reservation.objects.get(date=date(2026, 11, 18)).etat == EtatReservation.RESERVEE
    # L'accueil et la grille le disent.
    accueil = unescape(client_parent.get(reverse("portail:accueil")).content.decode())
    assert MESSAGE in accueil
    grille = client_parent.get(
        reverse("reservations:reserver"), {"periode": alsh.periode.pk}
    ).content.decode()
    assert MESSAGE in unescape(grille)


def test_sous_le_seuil_ou_pas_encore_echu(famille, alsh, impayes, configuration):
    _regle(configuration, "150.00")
    assert _demander(famille, alsh, ajouts=[date(2026, 11, 18)])
    _regle(configuration, "100.00", jours=60)  # échue depuis 41 jours seulement
    assert _demander(famille, alsh, ajouts=[date(2026, 11, 25)])


def test_la_levee_par_un_regisseur(famille, alsh, impayes, configuration, agent):
    _regle(configuration, "100.00")
    suspension_lever(famille=famille, agent=agent, motif="Échéancier accordé")
    assert _demander(famille, alsh, ajouts=[date(2026, 11, 18)])
    suspension_retablir(famille=famille)
    with pytest.raises(ValidationError, match="suspendues : 120,60 €"):
        _demander(famille, alsh, ajouts=[date(2026, 11, 25)])


def test_levee_depuis_l_admin(client_agent, famille, alsh, impayes, configuration):
    _regle(configuration, "100.00")
    reponse = client_agent.post(
        reverse("admin:facturation_leveesuspension_add"),
        {"famille": famille.pk, "motif": "Échéancier"},
    )
    assert reponse.status_code == 302
    assert _demander(famille, alsh, ajouts=[date(2026, 11, 18)])
