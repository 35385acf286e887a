"""Le blocage après 5 échecs vise le compte, quel que soit l'identifiant tapé.

Numéro de famille ou e-mail, au portail ou à l'admin : les échecs s'additionnent pour le
compte visé ; un identifiant inconnu est compté tel quel ; un agent débloque dans l'admin.
"""

import html

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from portail.groupes import groupes_mettre_a_jour
from tests.factories import MOT_DE_PASSE, UserFactory, compte_de

MAUVAIS = "Mauvais-2026"
MESSAGE = "Trop de tentatives de connexion"


def _portail(client: Client, login: str, password: str):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _admin(client: Client, login: str, password: str):
    return client.post(
        reverse("admin:login"), {"username": login, "password": password, "next": "/admin/"}
    )


def _est_bloque(reponse) -> bool:
    return reponse.status_code == 429 and MESSAGE in html.unescape(reponse.content.decode())


@pytest.fixture
def compte_agent(db, configuration):
    return UserFactory(username="agent-guichet", email="guichet@example.fr", is_staff=True)


@pytest.mark.parametrize(
    ("tape", "puis"), [("numero", "email"), ("email", "numero")], ids=["numero", "email"]
)
def test_cinq_echecs_au_portail_bloquent_l_autre_identifiant(client, famille, tape, puis):
    identifiants = {"numero": famille.numero, "email": compte_de(famille).email}
    for _ in range(5):
        assert _portail(client, identifiants[tape], MAUVAIS).status_code in {200, 429}
    reponse = _portail(client, identifiants[puis], MOT_DE_PASSE)
    assert _est_bloque(reponse)
    assert "_auth_user_id" not in client.session
    # L'e-mail tapé en majuscules désigne le même compte.
    assert _est_bloque(_portail(client, compte_de(famille).email.upper(), MOT_DE_PASSE))
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [famille.numero]


def test_les_echecs_par_numero_et_par_email_s_additionnent(client, famille):
    for _ in range(3):
        _portail(client, famille.numero, MAUVAIS)
    for _ in range(2):
        _portail(client, compte_de(famille).email, MAUVAIS)
    assert _est_bloque(_portail(client, famille.numero, MOT_DE_PASSE))


def test_quatre_echecs_ne_bloquent_pas_et_la_reussite_remet_a_zero(client, famille):
    for _ in range(4):
        _portail(client, compte_de(famille).email, MAUVAIS)
    assert _portail(client, famille.numero, MOT_DE_PASSE).status_code == 302
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    ("tape", "puis"), [("username", "email"), ("email", "username")], ids=["nom", "email"]
)
def test_cinq_echecs_a_l_admin_bloquent_l_autre_identifiant(client, compte_agent, tape, puis):
    identifiants = {"username": compte_agent.username, "email": compte_agent.email}
    for _ in range(5):
        assert _admin(client, identifiants[tape], MAUVAIS).status_code in {200, 429}
    assert _est_bloque(_admin(client, identifiants[puis], MOT_DE_PASSE))
    # Le même compte est bloqué au portail aussi.
    assert _est_bloque(_portail(client, identifiants[puis], MOT_DE_PASSE))
    assert "_auth_user_id" not in client.session


def test_echecs_au_portail_bloquent_l_admin(client, compte_agent):
    for _ in range(5):
        _portail(client, compte_agent.email, MAUVAIS)
    assert _est_bloque(_admin(client, compte_agent.username, MOT_DE_PASSE))


def test_un_identifiant_inconnu_est_compte_tel_quel(client, famille):
    for _ in range(5):
        _portail(client, "Personne@Example.fr", MAUVAIS)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["personne@example.fr"]
    assert _est_bloque(_portail(client, "personne@example.fr", MAUVAIS))
    # Le compte de la famille n'y est pour rien.
    assert _portail(client, compte_de(famille).email, MOT_DE_PASSE).status_code == 302


def test_l_agent_debloque_le_compte_pour_les_deux_identifiants(client, famille, agent):
    for _ in range(5):
        _portail(client, famille.numero, MAUVAIS)
    assert _est_bloque(_portail(client, compte_de(famille).email, MOT_DE_PASSE))
    groupes_mettre_a_jour()
    guichet = Client()
    guichet.force_login(agent)
    liste = guichet.get(reverse("admin:axes_accessattempt_changelist"))
    assert liste.status_code == 200
    assert famille.numero in liste.content.decode()
    tentative = AccessAttempt.objects.get(username=famille.numero)
    reponse = guichet.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [tentative.pk], "post": "yes"},
    )
    assert reponse.status_code == 302
    assert _portail(client, compte_de(famille).email, MOT_DE_PASSE).status_code == 302
