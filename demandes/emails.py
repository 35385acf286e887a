"""Les e-mails des demandes et des messages, envoyés par Celery après le commit (sous les
services : ils lisent les modèles et rendent les gabarits, sans appeler de service). Les noms
des tâches sont ceux d'avant leur déplacement depuis ``tasks.py`` : les tâches déjà en file
tournent."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from portail.noyau.configuration import configuration_courante
from portail.noyau.emails import envoyer_email, tache_email

from .models import Demande, Direction, Message, StatutDemande


@tache_email("demandes.tasks.notifier_demande_traitee")
def notifier_demande_traitee(*, demande_id: int) -> int:
    """Prévient la famille par e-mail que sa demande a été traitée."""
    demande = (
        Demande.objects.select_related("famille", "cree_par__responsable")
        .prefetch_related("famille__responsables__compte")
        .filter(pk=demande_id)
        .exclude(statut__in=[StatutDemande.EN_ATTENTE, StatutDemande.ANNULEE])
        .first()
    )
    if demande is None:
        return 0
    # Les e-mails d'une demande vont à l'adulte qui l'a faite (règle de familles.models).
    destinataires = demande.famille.adresses_a_ecrire(auteur=demande.cree_par)
    if not destinataires:
        return 0
    lien = settings.PORTAIL_URL + reverse("demandes:detail", args=[demande.pk])
    return envoyer_email(
        destinataires=destinataires,
        gabarit="demande_traitee",
        contexte={"demande": demande, "lien": lien},
    )


@tache_email("demandes.tasks.notifier_message")
def notifier_message(*, message_id: int) -> int:
    """Un message de la mairie → e-mail à chaque adulte du foyer qui l'accepte ; un message
    de la famille → e-mail à l'adresse de contact de la commune."""
    message = (
        Message.objects.select_related("famille", "auteur__responsable")
        .prefetch_related("famille__responsables__compte")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    if message.direction == Direction.MAIRIE_VERS_FAMILLE:
        return envoyer_email(
            destinataires=message.famille.adresses_a_ecrire(),
            gabarit="message_mairie",
            contexte={"message": message},
        )
    config = configuration_courante()
    # L'agent qui répond par e-mail écrit à l'adulte qui a envoyé le message.
    repondre_a = message.famille.adresses_a_ecrire(auteur=message.auteur) or None
    return envoyer_email(
        destinataires=[config.email_contact],
        gabarit="message_famille",
        contexte={"message": message},
        repondre_a=repondre_a,
    )


@tache_email("demandes.tasks.notifier_envoi_groupe")
def notifier_envoi_groupe(*, envoi: str) -> int:
    """Les e-mails d'un envoi groupé : gabarits rendus une fois, une seule connexion SMTP."""
    messages = list(
        Message.objects.filter(envoi=envoi)
        .select_related("famille")
        .prefetch_related("famille__responsables__compte")
        .only("sujet", "texte", "famille__email")
    )
    if not messages:
        return 0
    contexte = {"config": configuration_courante(), "message": messages[0]}
    sujet = " ".join(render_to_string("emails/message_mairie-subject.txt", contexte).split())
    texte = render_to_string("emails/message_mairie-body.txt", contexte)
    html = render_to_string("emails/message_mairie-body.html", contexte)
    courriels = []
    for message in messages:
        adresses = message.famille.adresses_a_ecrire()
        if adresses:
            courriel = EmailMultiAlternatives(
                subject=sujet, body=texte, from_email=settings.DEFAULT_FROM_EMAIL, to=adresses
            )
            courriel.attach_alternative(html, "text/html")
            courriels.append(courriel)
    with get_connection() as connexion:
        return connexion.send_messages(courriels) or 0
