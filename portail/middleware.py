from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .noyau.configuration import configuration_courante

# Ce qui reste joignable avant d'avoir fini la première connexion.
CHEMINS_LIBRES = (
    "/static/",
    "/compte/logout/",
    "/sante/",
    "/admin/",
    "/logo/",
    "/conditions-d-utilisation/",
    "/accessibilite/",
    "/plan-du-site/",
)


class CompteMiddleware(AuthenticationMiddleware):
    """L'``AuthenticationMiddleware`` de Django, le compte lu dès le début de la requête.

    Django met dans ``request.user`` un objet paresseux, dont chaque attribut lu (le foyer,
    ``is_staff``, les droits…, des dizaines par page) passe par les appels de son enveloppe :
    66 à 112 appels de fonction de moins par page ici (``bench/profil.py``, Infos, Accueil,
    Factures ; docs/performance.md). Toute page du portail lit le compte ; sans cookie de
    session (fichiers, ``/sante/``, la notification PayFiP), c'est un visiteur anonyme, lu
    sans aucun aller-retour.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = get_user(request)  # gardé dans request._cached_user, comme chez Django


@cache
def _adresse_premiere_connexion() -> str:
    return reverse("portail:premiere_connexion")


class PremiereConnexionMiddleware:
    """Tant qu'un parent n'a pas choisi son mot de passe et accepté les conditions en
    vigueur, toute page le renvoie vers la première connexion."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_staff
            and request.path != _adresse_premiere_connexion()
            and not request.path.startswith(CHEMINS_LIBRES)
            and (
                user.doit_changer_mot_de_passe
                or user.cgu_version != configuration_courante().cgu_version
            )
        ):
            return redirect("portail:premiere_connexion")
        return self.get_response(request)


class PolitiqueDeContenuMiddleware:
    """En-tête Content-Security-Policy (réglage PORTAIL_CSP) : scripts du seul portail, aucun
    script écrit dans la page, ni objet ni cadre. Une injection de balisage qui aurait échappé
    à l'échappement des gabarits ne pourrait donc pas exécuter de script."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reponse = self.get_response(request)
        if settings.PORTAIL_CSP and "Content-Security-Policy" not in reponse:
            reponse["Content-Security-Policy"] = settings.PORTAIL_CSP
        return reponse


class PagesPriveesMiddleware:
    """Toute page servie à un compte connecté part en ``Cache-Control: private, no-store`` :
    après la déconnexion, le bouton « Précédent » d'un ordinateur partagé ne remontre pas la
    page d'une famille, et aucun intermédiaire ne la garde. Une réponse qui dit déjà son
    cache (fichiers privés, admin) garde le sien."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reponse = self.get_response(request)
        if "Cache-Control" not in reponse and request.user.is_authenticated:
            add_never_cache_headers(reponse)
            patch_cache_control(reponse, private=True)
        return reponse
