"""Les pages de compte d'allauth dont le portail se sert (ni inscription, ni gestion des
adresses e-mail : les comptes et leurs adresses viennent de la mairie)."""

from allauth.account import views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, re_path


def inscription_fermee(request: HttpRequest) -> HttpResponse:
    # allauth calcule ce lien dans certains e-mails : la page n'existe pas pour autant.
    raise Http404("Les comptes sont créés par la mairie.")


urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("logout/", views.logout, name="account_logout"),
    path("inactive/", views.account_inactive, name="account_inactive"),
    path("signup/", inscription_fermee, name="account_signup"),
    path("password/change/", views.password_change, name="account_change_password"),
    path("password/set/", views.password_set, name="account_set_password"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("password/reset/done/", views.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]
