"""URL du banc d'essai seulement (jamais dans les URL de production) : une vue nue."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def vue_nue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("banc/nu/", vue_nue),
    path("", include("portail.urls_racine")),
]
