"""Réglages d'allauth et de django-axes propres au portail."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.http import HttpRequest

from .chargement_compte import compte_avec_foyer
from .noyau.configuration import configuration_courante
from .noyau.emails import envoyer_message_task
from .noyau.models import User


class CompteAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "L'identifiant ou le mot de passe est incorrect.",
        "email_password_mismatch": "L'identifiant ou le mot de passe est incorrect.",
        "invalid_login": "L'identifiant ou le mot de passe est incorrect.",
        "unknown_email": "Aucun compte n'utilise cette adresse e-mail.",
        "too_many_login_attempts": "Trop de tentatives de connexion : réessayez plus tard.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Les comptes sont créés par la mairie (envoyer_identifiants), jamais par le public.
        return False

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return configuration_courante().site_web

    def set_password(self, user, password: str) -> None:
        # Changement ou réinitialisation : le mot de passe temporaire ne sert plus.
        user.set_password(password)
        user.doit_changer_mot_de_passe = False
        user.mot_de_passe_temporaire_expire_le = None
        user.save(
            update_fields=[
                "password",
                "doit_changer_mot_de_passe",
                "mot_de_passe_temporaire_expire_le",
            ]
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Rend l'e-mail d'allauth dans la requête, puis l'envoie par une tâche Celery."""
        request = allauth_context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "config": configuration_courante(),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for contenu, type_mime in getattr(message, "alternatives", []):
            if type_mime == "text/html":
                html = str(contenu)
        envoyer_message_task.delay(
            destinataires=list(message.to),
            sujet=str(message.subject),
            texte=str(message.body),
            html=html,
        )


class Authentification(AuthenticationBackend):
    """Le backend d'allauth, qui charge aussi l'adulte et son foyer dans la même requête SQL."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        # Compte, adulte et foyer en une requête compilée une fois par processus.
        user = compte_avec_foyer(pk)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


def identifiant_axes(request: HttpRequest, credentials: dict | None) -> str:
    """La clé comptée par django-axes : le compte visé, quel que soit l'identifiant tapé.

    Numéro de famille ou e-mail, au portail (champ ``login``) ou à l'admin (``username``) :
    les échecs d'un même compte s'additionnent sous son nom d'utilisateur, sinon cinq échecs
    sur le numéro laisseraient encore essayer l'e-mail. Un identifiant inconnu est compté tel
    quel (en minuscules).
    """
    donnees = getattr(request, "POST", {}) if request is not None else {}
    identifiant = donnees.get("login") or donnees.get("username") or ""
    if not identifiant and credentials:
        identifiant = credentials.get("username") or credentials.get("email") or ""
    identifiant = str(identifiant).strip().lower()
    if not identifiant:
        return ""
    # django-axes demande la clé plusieurs fois par tentative : une seule requête SQL.
    deja = getattr(request, "_portail_identifiant_axes", None)
    if deja is not None and deja[0] == identifiant:
        return deja[1]
    comptes = list(
        User.objects.filter(Q(username__iexact=identifiant) | Q(email__iexact=identifiant))
        .order_by("pk")
        .values_list("username", "email")[:2]
    )
    # Comme allauth : une saisie avec « @ » désigne d'abord le compte de cette adresse.
    champ = 1 if "@" in identifiant else 0
    comptes.sort(key=lambda compte: compte[champ].lower() != identifiant)
    cle = comptes[0][0].lower() if comptes else identifiant
    if request is not None:
        request._portail_identifiant_axes = (identifiant, cle)  # type: ignore[attr-defined]
    return cle
