from django.urls import path

from . import actualites, views

app_name = "portail"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("premiere-connexion/", views.premiere_connexion, name="premiere_connexion"),
    path("conditions-d-utilisation/", views.conditions, name="conditions"),
    path("logo/", views.logo, name="logo"),
    path("sante/", views.sante, name="sante"),
    path("infos/", actualites.infos, name="infos"),
]
