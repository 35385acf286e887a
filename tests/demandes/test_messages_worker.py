"""Les e-mails de la boîte de réception envoyés par un vrai worker Celery (Redis)."""

import pytest
from django.core import mail
from django.urls import reverse

from demandes.services import message_diffuser
from tests.factories import FamilleFactory, compte_de


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_message_de_la_famille_puis_envoi_groupe_par_le_worker(celery_worker_reel, client, famille):
    client.force_login(compte_de(famille))
    client.post(
        reverse("demandes:message_ecrire"),
        {"sujet": "Cantine de jeudi", "texte": "Lise mange sans porc."},
    )
    assert mail.outbox == []  # rien d'envoyé dans le processus web
    (alerte,) = celery_worker_reel.attendre_emails(1)
    assert alerte.destinataires == ["portail@example.fr"]
    assert "Cantine de jeudi" in alerte.sujet
    assert "Lise mange sans porc." in alerte.texte
    celery_worker_reel.vider()

    refus = FamilleFactory(nom="SANSMAIL", accepte_email=False)
    assert message_diffuser(audience="toutes", sujet="Fermeture d'été", texte="T") == 2
    (annonce,) = celery_worker_reel.attendre_emails(1)
    assert annonce.destinataires == [famille.email]
    assert refus.email not in annonce.destinataires
    assert "« Fermeture d'été »" in annonce.sujet
