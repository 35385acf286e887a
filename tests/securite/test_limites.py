"""Limites de débit : « mot de passe oublié » ne fait pas envoyer d'e-mails sans fin."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import compte_de

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("adresse", ["famille-inconnue@example.fr", None])
def test_mot_de_passe_oublie_limite_par_adresse(adresse, client, famille):
    adresse = adresse or compte_de(famille).email
    reponses = [
        client.post(reverse("account_reset_password"), {"email": adresse}) for _ in range(8)
    ]
    assert [r.status_code for r in reponses[:5]] == [302] * 5
    assert all(r.status_code == 429 for r in reponses[5:])
    assert "Trop de demandes" in reponses[-1].content.decode()
    assert len(mail.outbox) == 5


def test_la_limite_par_adresse_ne_bloque_pas_les_autres_familles(client, famille, autre_famille):
    for _ in range(6):
        client.post(reverse("account_reset_password"), {"email": compte_de(famille).email})
    reponse = client.post(
        reverse("account_reset_password"), {"email": compte_de(autre_famille).email}
    )
    assert reponse.status_code == 302
    assert mail.outbox[-1].to == [compte_de(autre_famille).email]


def test_la_connexion_de_l_admin_est_aussi_bloquee_apres_cinq_echecs(client, agent):
    from tests.factories import MOT_DE_PASSE

    agent.set_password(MOT_DE_PASSE)
    agent.save()
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": agent.username, "password": "Mauvais-2026"})
    bloque = client.post(url, {"username": agent.username, "password": MOT_DE_PASSE})
    assert bloque.status_code == 429
    assert "Trop de tentatives de connexion" in bloque.content.decode()
    assert "_auth_user_id" not in client.session
