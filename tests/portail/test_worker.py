import pytest
from django.utils import timezone

from demandes.emails import notifier_demande_traitee
from demandes.models import Demande, StatutDemande
from tests.factories import compte_de


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_envoie_l_email_de_la_tache(celery_worker_reel, famille):
    demande = Demande.objects.create(
        famille=famille,
        type="famille",
        resume="Modification de l'adresse",
        statut=StatutDemande.ACCEPTEE,
        traite_le=timezone.now(),
        reponse="C'est fait.",
    )
    resultat = notifier_demande_traitee.delay(demande_id=demande.pk)
    # Publiée sur Redis, pas exécutée dans le processus du test.
    assert not resultat.ready() or resultat.get(timeout=30) == 1
    (message,) = celery_worker_reel.attendre_emails(1)
    assert message.destinataires == [famille.email]
    # La configuration lue par le worker est celle que le test a enregistrée en base.
    assert message.sujet == "Carnin (test) : votre demande a été traitée"
    # Le texte n'est pas échappé comme du HTML ; le HTML l'est.
    assert "« Modification de l'adresse »" in message.texte
    assert "Réponse : C'est fait." in message.texte
    assert "Modification de l&#x27;adresse" in message.html
    assert resultat.get(timeout=30) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_mot_de_passe_oublie_envoye_par_le_worker(celery_worker_reel, client, famille):
    from django.core import mail

    client.post("/compte/password/reset/", {"email": compte_de(famille).email})
    assert mail.outbox == []  # rien d'envoyé dans le processus web
    (message,) = celery_worker_reel.attendre_emails(1)
    assert message.destinataires == [compte_de(famille).email]
    assert "choisir un nouveau mot de passe" in message.sujet
    assert "/compte/password/reset/key/" in message.texte
    assert "/compte/password/reset/key/" in message.html
