from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from .configuration import configuration_courante


class CompteAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Les comptes sont créés par la mairie (envoyer_identifiants), jamais par le public.
        return False

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return configuration_courante().site_web

    def authenticate(self, request: HttpRequest, **credentials: Any):
        user = super().authenticate(request, **credentials)
        expire_le = getattr(user, "mot_de_passe_temporaire_expire_le", None)
        # Seul qui connaît le mot de passe temporaire apprend qu'il a expiré.
        if (
            expire_le
            and expire_le <= timezone.now()
            and getattr(user, "doit_changer_mot_de_passe", False)
        ):
            raise ValidationError(
                "Votre mot de passe temporaire a expiré le "
                f"{timezone.localtime(expire_le):%d/%m/%Y}. Demandez de nouveaux "
                "identifiants à la mairie."
            )
        return user
