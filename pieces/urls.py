from django.urls import path

from . import views

app_name = "pieces"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("transmettre/", views.transmettre, name="transmettre"),
    path("<int:pk>/fichier/", views.fichier, name="fichier"),
    path("agent/<int:pk>/fichier/", views.fichier_agent, name="fichier_agent"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("fiche-inscription/", views.fiche_inscription_vierge, name="fiche_inscription_vierge"),
    path("fiche-inscription/<int:enfant_id>/", views.fiche_inscription, name="fiche_inscription"),
]
