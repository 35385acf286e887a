"""Envoi des e-mails : trois gabarits par message (sujet, texte, HTML) dans templates/emails/."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

from .configuration import configuration_courante

P = ParamSpec("P")
R = TypeVar("R")


def tache_email(nom: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """Le décorateur des e-mails envoyés par Celery (``<app>/emails.py``) : le nom de la tâche,
    gardé quand la fonction change de module pour que les tâches déjà en file tournent, et
    cinq nouvelles tentatives espacées quand le serveur SMTP ne répond pas."""
    return shared_task(name=nom, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)


@dataclass(frozen=True)
class PieceJointe:
    nom: str
    contenu: bytes
    type_mime: str = "application/pdf"


def _rendre_texte(nom: str, contexte: dict) -> str:
    """Rend un gabarit texte sans échappement HTML (« l'adresse », pas « l&#x27;adresse »)."""
    return get_template(nom).template.render(Context(contexte, autoescape=False))  # type: ignore[attr-defined]


def envoyer_email(
    *,
    destinataires: list[str],
    gabarit: str,
    contexte: dict,
    pieces_jointes: list[PieceJointe] | None = None,
    repondre_a: list[str] | None = None,
) -> int:
    """Rend emails/<gabarit>-subject.txt, -body.txt et -body.html puis envoie le message."""
    destinataires = [d for d in destinataires if d]
    if not destinataires:
        return 0
    contexte = {"config": configuration_courante(), **contexte}
    sujet = " ".join(_rendre_texte(f"emails/{gabarit}-subject.txt", contexte).split())
    texte = _rendre_texte(f"emails/{gabarit}-body.txt", contexte)
    html = render_to_string(f"emails/{gabarit}-body.html", contexte)
    message = EmailMultiAlternatives(
        subject=sujet,
        body=texte,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=destinataires,
        reply_to=repondre_a,
    )
    message.attach_alternative(html, "text/html")
    for piece in pieces_jointes or []:
        message.attach(piece.nom, piece.contenu, piece.type_mime)
    return message.send()


def envoyer_message(*, destinataires: list[str], sujet: str, texte: str, html: str = "") -> int:
    """Envoie un message déjà rendu (texte et, s'il y en a un, HTML)."""
    destinataires = [d for d in destinataires if d]
    if not destinataires:
        return 0
    message = EmailMultiAlternatives(
        subject=sujet, body=texte, from_email=settings.DEFAULT_FROM_EMAIL, to=destinataires
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@tache_email("portail.noyau.tasks.envoyer_message_task")  # son nom quand il était dans tasks.py
def envoyer_message_task(*, destinataires: list[str], sujet: str, texte: str, html: str) -> int:
    """Envoie un e-mail déjà rendu (e-mails des comptes : mot de passe oublié...)."""
    return envoyer_message(destinataires=destinataires, sujet=sujet, texte=texte, html=html)
