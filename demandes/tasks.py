"""Les e-mails des demandes et des messages, envoyés par Celery après le commit."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from portail.noyau.configuration import configuration_courante
from portail.noyau.emails import envoyer_email

from .models import Demande, Direction, Message, StatutDemande


def _adresses_famille(famille: Any) -> list[str]:
    """Les adresses où la mairie écrit au foyer : chaque adulte qui accepte les e-mails (son
    adresse, à défaut celle de son compte), sinon l'adresse du foyer ; rien si le foyer
    refuse les e-mails. ``famille.responsables`` doit être préchargé (avec leurs comptes)."""
    if not famille.accepte_email:
        return []
    adresses: list[str] = []
    for adulte in famille.responsables.all():
        adresse = adulte.email or (adulte.compte.email if adulte.compte else "")
        if adulte.accepte_email and adresse and adresse.lower() not in adresses:
            adresses.append(adresse.lower())
    return adresses or ([famille.email] if famille.email else [])


def _adresses_auteur(demande: Demande) -> list[str]:
    """Les e-mails d'une demande vont à l'adulte qui l'a faite (s'il accepte les e-mails) ;
    une demande saisie par un agent, au foyer."""
    compte = demande.cree_par
    adulte = getattr(compte, "responsable", None) if compte is not None else None
    if adulte is None or compte is None:
        return _adresses_famille(demande.famille)
    adresse = adulte.email or compte.email
    return [adresse] if demande.famille.accepte_email and adulte.accepte_email and adresse else []


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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
    destinataires = _adresses_auteur(demande)
    if not destinataires:
        return 0
    lien = settings.PORTAIL_URL + reverse("demandes:detail", args=[demande.pk])
    return envoyer_email(
        destinataires=destinataires,
        gabarit="demande_traitee",
        contexte={"demande": demande, "lien": lien},
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifier_message(*, message_id: int) -> int:
    """Un message de la mairie → e-mail à la famille (si elle l'accepte) ; un message de la
    famille → e-mail à l'adresse de contact de la commune."""
    message = (
        Message.objects.select_related("famille")
        .prefetch_related("famille__responsables__compte")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    if message.direction == Direction.MAIRIE_VERS_FAMILLE:
        return envoyer_email(
            destinataires=_adresses_famille(message.famille),
            gabarit="message_mairie",
            contexte={"message": message},
        )
    config = configuration_courante()
    repondre_a = [message.famille.email] if message.famille.email else None
    return envoyer_email(
        destinataires=[config.email_contact],
        gabarit="message_famille",
        contexte={"message": message},
        repondre_a=repondre_a,
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifier_envoi_groupe(*, envoi: str) -> int:
    """Les e-mails d'un envoi groupé : gabarits rendus une fois, une seule connexion SMTP."""
    messages = list(
        Message.objects.filter(envoi=envoi, famille__accepte_email=True)
        .select_related("famille")
        .prefetch_related("famille__responsables__compte")
        .only("sujet", "texte", "famille__accepte_email", "famille__email")
    )
    if not messages:
        return 0
    contexte = {"config": configuration_courante(), "message": messages[0]}
    sujet = " ".join(render_to_string("emails/message_mairie-subject.txt", contexte).split())
    texte = render_to_string("emails/message_mairie-body.txt", contexte)
    html = render_to_string("emails/message_mairie-body.html", contexte)
    courriels = []
    for message in messages:
        adresses = _adresses_famille(message.famille)
        if adresses:
            courriel = EmailMultiAlternatives(
                subject=sujet, body=texte, from_email=settings.DEFAULT_FROM_EMAIL, to=adresses
            )
            courriel.attach_alternative(html, "text/html")
            courriels.append(courriel)
    with get_connection() as connexion:
        return connexion.send_messages(courriels) or 0
