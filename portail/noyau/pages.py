"""Le décorateur des pages des parents : connexion exigée.

Une page d'une fonctionnalité que la commune peut couper ajoute
``portail.noyau.interrupteurs.fonctionnalite_requise(...)`` (le seul mécanisme d'interrupteur).
Aucune page d'un compte connecté n'est gardée par un cache : ``PagesPriveesMiddleware``.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


def page_famille() -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Une page d'un parent : connexion exigée."""

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return login_required(vue)

    return decorateur
