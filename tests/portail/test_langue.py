"""Une seule langue : le portail parle français quelle que soit la langue du navigateur
(sans LocaleMiddleware, LANGUAGE_CODE est la langue de chaque requête)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANGLAIS = "en-GB,en;q=0.9"


def test_un_navigateur_en_anglais_recoit_les_messages_de_django_en_francais(client, configuration):
    reponse = client.post(
        reverse("account_reset_password"),
        {"email": "pas-une-adresse"},
        HTTP_ACCEPT_LANGUAGE=ANGLAIS,
    )
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Saisissez une adresse e-mail valide." in page  # le message du validateur de Django
    assert "Enter a valid email address." not in page


def test_l_admin_reste_en_francais_pour_un_agent_au_navigateur_anglais(client_agent):
    page = client_agent.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=ANGLAIS).content.decode()
    assert "Déconnexion" in page
    assert "Log out" not in page
