"""Les actions de l'admin qui changent des données exigent le droit « modifier » : un agent
qui ne peut que consulter ne change rien, même en postant l'action à la main."""

from typing import cast

import pytest
from django.contrib.auth.models import Permission

from portail.noyau.models import User
from reservations.models import JourOuverture
from tests.factories import UserFactory
from tests.reservations.factories_planning import PeriodeFactory, cantine

pytestmark = pytest.mark.django_db


def _agent(*codenames: str) -> User:
    agent = cast(User, UserFactory(username="agent-consultation", is_staff=True))
    agent.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return agent


def _generer(client, periode):
    return client.post(
        "/admin/reservations/periode/",
        {"action": "generer_jours_ouverture", "_selected_action": [periode.pk], "index": 0},
    )


def test_un_agent_en_consultation_ne_genere_pas_les_jours_d_ouverture(client, configuration):
    periode = PeriodeFactory(activite=cantine().activite)
    client.force_login(_agent("view_periode"))
    reponse = _generer(client, periode)
    assert reponse.status_code in (200, 302, 403)
    assert not JourOuverture.objects.exists()


def test_un_agent_qui_peut_modifier_genere_les_jours_d_ouverture(client, configuration):
    periode = PeriodeFactory(activite=cantine().activite)
    client.force_login(_agent("view_periode", "change_periode"))
    assert _generer(client, periode).status_code == 302
    assert JourOuverture.objects.filter(unite__activite=periode.activite).exists()
