from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from .configuration import configuration_courante


class CompteAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Les comptes sont créés par la mairie (envoyer_identifiants), jamais par le public.
        return False

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return configuration_courante().site_web
