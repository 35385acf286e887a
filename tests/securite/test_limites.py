"""Limites de débit : « mot de passe oublié » ne fait pas envoyer d'e-mails sans fin."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("adresse", ["famille-inconnue@example.fr", None])
def test_mot_de_passe_oublie_limite_par_adresse(adresse, client, famille):
    adresse = adresse or famille.compte.email
    reponses = [
        client.post(reverse("account_reset_password"), {"email": adresse}) for _ in range(8)
    ]
    assert [r.status_code for r in reponses[:5]] == [302] * 5
    assert all(r.status_code == 429 for r in reponses[5:])
    assert "Trop de demandes" in reponses[-1].content.decode()
    assert len(mail.outbox) == 5


def test_la_limite_par_adresse_ne_bloque_pas_les_autres_familles(client, famille, autre_famille):
    for _ in range(6):
        client.post(reverse("account_reset_password"), {"email": famille.compte.email})
    reponse = client.post(reverse("account_reset_password"), {"email": autre_famille.compte.email})
    assert reponse.status_code == 302
    assert mail.outbox[-1].to == [autre_famille.compte.email]
