"""Le décorateur des pages des parents : connexion exigée, fonctionnalité ouverte."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .configuration import fonctionnalite_verifier


def page_famille(
    *, interrupteur: str = ""
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Une page d'un parent : connexion exigée ; avec ``interrupteur``, 404 quand la commune
    a coupé la fonctionnalité. (Aucune page d'un compte connecté n'est gardée par un cache :
    ``PagesPriveesMiddleware``.)"""

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if interrupteur:
                fonctionnalite_verifier(interrupteur)
            return vue(request, *args, **kwargs)

        return login_required(enveloppe)

    return decorateur
