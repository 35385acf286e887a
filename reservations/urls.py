from django.urls import path

from . import views, views_planning

app_name = "reservations"

urlpatterns = [
    path("", views.index, name="index"),
    path("reserver/", views.reserver, name="reserver"),
    path("imprimer/", views.imprimer, name="imprimer"),
    path(
        "attente/<int:reservation_id>/quitter/",
        views.attente_quitter_vue,
        name="attente_quitter",
    ),
    path(
        "reglement/<int:reglement_id>/accepter/",
        views.reglement_accepter_vue,
        name="reglement_accepter",
    ),
    path(
        "reglement/<int:reglement_id>/",
        views.reglement_document,
        name="reglement_document",
    ),
    path("planning/", views_planning.planning, name="planning"),
    path(
        "planning/<int:enfant_id>/<int:annee>/<int:mois>/",
        views_planning.planning_enfant,
        name="planning_mois",
    ),
    path(
        "absence/<int:reservation_id>/",
        views_planning.absence_declarer_vue,
        name="absence_declarer",
    ),
    path(
        "absence/<int:absence_id>/certificat/",
        views_planning.absence_certificat,
        name="absence_certificat",
    ),
]
