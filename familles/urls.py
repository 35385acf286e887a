from django.urls import path

from . import views

app_name = "familles"

urlpatterns = [
    path("", views.renseignements, name="renseignements"),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("mes-enfants/", views.mes_enfants, name="mes_enfants"),
    path("adultes/<int:pk>/modifier/", views.modifier_adulte, name="modifier_adulte"),
    path("conjoint/ajouter/", views.ajouter_conjoint, name="ajouter_conjoint"),
    path("famille/<slug:bloc>/modifier/", views.modifier_famille, name="modifier_famille"),
    path("enfants/ajouter/", views.ajouter_enfant, name="ajouter_enfant"),
    path("enfants/<int:pk>/modifier/", views.modifier_enfant, name="modifier_enfant"),
    path("enfants/<int:pk>/sanitaire/", views.modifier_sanitaire, name="modifier_sanitaire"),
    path(
        "enfants/<int:pk>/autorisations/",
        views.modifier_autorisations,
        name="modifier_autorisations",
    ),
]
