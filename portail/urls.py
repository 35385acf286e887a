from django.urls import path

from . import accessibilite, actualites, views

app_name = "portail"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("premiere-connexion/", views.premiere_connexion, name="premiere_connexion"),
    path("conditions-d-utilisation/", views.conditions, name="conditions"),
    path("accessibilite/", accessibilite.declaration, name="accessibilite"),
    path("plan-du-site/", accessibilite.plan_du_site, name="plan_du_site"),
    path("logo/", views.logo, name="logo"),
    path("sante/", views.sante, name="sante"),
    path("infos/", actualites.infos, name="infos"),
]
