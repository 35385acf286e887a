"""La place attribuée depuis la liste d'attente est annoncée par un vrai worker Celery."""

import pytest
from django.core import mail

from reservations.models import EtatReservation
from reservations.services import reservations_retirer

from .attente_outils import attente_de, inscrire_attente, reserver


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("lundi_26_octobre")
def test_place_attribuee_annoncee_par_un_vrai_worker(
    celery_worker_reel, famille, autre_famille, alsh, agent
):
    martin = reserver(autre_famille, alsh, agent=agent)
    inscrire_attente(famille, alsh)
    mail.outbox.clear()
    reservations_retirer(reservations=[martin], agent=agent)  # on_commit : publié sur Redis
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE
    assert mail.outbox == []  # rien n'est envoyé par le processus web
    messages = celery_worker_reel.attendre_emails(1, delai=60)
    (message,) = [m for m in messages if "une place vous est attribuée" in m.sujet]
    assert message.destinataires == [famille.email]
    assert "Lise est réservé(e) le 18/11/2026" in message.texte
