"""Les rappels avant fermeture envoyés : consultables dans l'admin, en lecture seule."""

import pytest
from django.urls import reverse

from reservations.models import RappelPeriode

from .factories_planning import ActiviteFactory, PeriodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rappel(famille):
    periode = PeriodeFactory(activite=ActiviteFactory(nom="CANTINE"), nom="CANTINE NOVEMBRE 2026")
    return RappelPeriode.objects.create(periode=periode, famille=famille)


@pytest.fixture
def client_guichet(client, agent):
    client.force_login(agent)
    return client


def test_l_agent_voit_les_rappels_envoyes(client_guichet, rappel, famille):
    reponse = client_guichet.get(reverse("admin:reservations_rappelperiode_changelist"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Rappels avant fermeture" in contenu
    assert "CANTINE NOVEMBRE 2026" in contenu and str(famille) in contenu
    assert reverse("admin:reservations_rappelperiode_add") not in contenu


def test_un_rappel_ne_se_modifie_ni_ne_se_supprime(client_guichet, rappel):
    url = reverse("admin:reservations_rappelperiode_change", args=[rappel.pk])
    reponse = client_guichet.get(url)
    assert reponse.status_code == 200
    assert 'name="_save"' not in reponse.content.decode()
    # POST trafiqué : rien ne change.
    assert client_guichet.post(url, {"famille": "", "periode": ""}).status_code == 403
    suppression = reverse("admin:reservations_rappelperiode_delete", args=[rappel.pk])
    assert client_guichet.post(suppression, {"post": "yes"}).status_code == 403
    assert client_guichet.get(reverse("admin:reservations_rappelperiode_add")).status_code == 403
    assert RappelPeriode.objects.filter(pk=rappel.pk, famille=rappel.famille).exists()


def test_meme_l_administrateur_ne_peut_pas_supprimer(client_agent, rappel):
    suppression = reverse("admin:reservations_rappelperiode_delete", args=[rappel.pk])
    assert client_agent.post(suppression, {"post": "yes"}).status_code == 403
    assert RappelPeriode.objects.filter(pk=rappel.pk).exists()
