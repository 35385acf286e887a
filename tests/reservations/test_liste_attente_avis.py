"""L'avis de la liste d'attente (place attribuée, liste close) va à l'adulte qui a mis
l'enfant sur la liste ; à défaut, à chaque adulte du foyer qui accepte les e-mails."""

import pytest
from django.core import mail

from reservations.emails import envoyer_avis_attente
from tests.factories import conjointe

from .attente_outils import attente_de, inscrire_attente, reserver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lundi_26_octobre")]


@pytest.fixture
def jeanne(famille):
    return conjointe(famille)


def _avis(famille, alsh) -> list[list[str]]:
    mail.outbox.clear()
    envoyer_avis_attente(reservation_id=attente_de(famille, alsh).pk, evenement="attribuee")
    return [sorted(m.to) for m in mail.outbox]


def test_l_avis_va_a_l_adulte_qui_a_inscrit_l_enfant(famille, autre_famille, alsh, jeanne):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh, auteur=jeanne.compte)
    assert _avis(famille, alsh) == [["jeanne.dupont@example.fr"]]
    # Jeanne refuse les e-mails : l'avis ne part pas chez Jean à sa place.
    jeanne.accepte_email = False
    jeanne.save(update_fields=["accepte_email"])
    assert _avis(famille, alsh) == []


def test_sans_auteur_l_avis_va_a_chaque_adulte_qui_l_accepte(famille, autre_famille, alsh, jeanne):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)  # saisie sans compte (import, agent)
    assert _avis(famille, alsh) == [sorted([famille.email, "jeanne.dupont@example.fr"])]
    jeanne.accepte_email = False
    jeanne.save(update_fields=["accepte_email"])
    assert _avis(famille, alsh) == [[famille.email]]
