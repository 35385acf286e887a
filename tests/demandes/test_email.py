"""L'e-mail envoyé à la famille quand sa demande est traitée (tâche Celery)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demandes.emails import notifier_demande_traitee
from demandes.services import demande_accepter, demande_refuser

from .factories import demande_famille


def test_acceptation_envoie_un_email_en_francais_avec_la_reponse_et_le_lien(
    famille, agent, django_capture_on_commit_callbacks, settings
):
    settings.PORTAIL_URL = "https://portail.carnin.fr"
    demande = demande_famille(famille, resume="Modification de 1 renseignement pour Jean")
    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(demande=demande, agent=agent, reponse="C'est noté, merci.")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [famille.email]
    assert message.subject == "Carnin (test) : votre demande a été traitée"
    lien = "https://portail.carnin.fr" + reverse("demandes:detail", args=[demande.pk])
    date = timezone.localtime(demande.traite_le).strftime("%d/%m/%Y")
    assert "« Modification de 1 renseignement pour Jean »" in message.body
    assert f"a été traitée le {date} : elle a été acceptée." in message.body
    assert "Réponse : C'est noté, merci." in message.body
    assert lien in message.body
    html, type_mime = message.alternatives[0]
    assert type_mime == "text/html"
    assert f'<a href="{lien}">' in html
    assert "<strong>acceptée</strong>" in html
    assert "C&#x27;est noté, merci." in html


def test_refus_envoie_un_email_avec_le_motif(famille, agent, django_capture_on_commit_callbacks):
    demande = demande_famille(famille)
    with django_capture_on_commit_callbacks(execute=True):
        demande_refuser(demande=demande, agent=agent, motif="Justificatif illisible.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Carnin (test) : votre demande a été traitée"
    assert "elle a été refusée." in mail.outbox[0].body
    assert "Réponse : Justificatif illisible." in mail.outbox[0].body


def test_pas_d_email_si_la_famille_le_refuse_ou_si_la_demande_est_en_attente(famille, agent):
    demande = demande_famille(famille)
    assert notifier_demande_traitee(demande_id=demande.pk) == 0
    demande_accepter(demande=demande, agent=agent)
    famille.responsables.update(accepte_email=False)
    assert notifier_demande_traitee(demande_id=demande.pk) == 0
    assert mail.outbox == []


def test_double_traitement_dans_l_admin_n_envoie_qu_un_email(
    client_agent, famille, django_capture_on_commit_callbacks
):
    demande = demande_famille(famille)
    donnees = {
        "action": "accepter",
        "_selected_action": [demande.pk],
        "confirmer": "Confirmer",
        "reponse": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client_agent.post(reverse("admin:demandes_demande_changelist"), donnees)
        client_agent.post(reverse("admin:demandes_demande_changelist"), donnees)
    assert len(mail.outbox) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_envoie_l_email_apres_l_acceptation_dans_l_admin(
    celery_worker_reel, client_agent, famille
):
    demande = demande_famille(famille, resume="Modification de l'adresse")
    client_agent.post(
        reverse("admin:demandes_demande_changelist"),
        {
            "action": "accepter",
            "_selected_action": [demande.pk],
            "confirmer": "Confirmer",
            "reponse": "C'est enregistré.",
        },
    )
    assert mail.outbox == [], "l'e-mail part du worker, pas de la requête de l'agent"
    (message,) = celery_worker_reel.attendre_emails(1)
    assert message.destinataires == [famille.email]
    assert message.sujet == "Carnin (test) : votre demande a été traitée"
    assert "« Modification de l'adresse »" in message.texte
    assert "elle a été acceptée." in message.texte
    assert "Réponse : C'est enregistré." in message.texte
    assert reverse("demandes:detail", args=[demande.pk]) in message.html
