from django.urls import path

from . import simulateur, views
from .prelevement import views as prelevement

app_name = "facturation"

urlpatterns = [
    path("", views.factures, name="factures"),
    path("<int:pk>/pdf/", views.facture_pdf, name="facture_pdf"),
    path("<int:pk>/recevoir/", views.facture_recevoir, name="facture_recevoir"),
    path("attestations/<int:annee>/", views.attestation_pdf, name="attestation_pdf"),
    path("reglements/", views.reglements, name="reglements"),
    path("reglements/<int:pk>/recu/", views.reglement_recu_pdf, name="reglement_recu_pdf"),
    path("reglements/<int:pk>/recevoir/", views.reglement_recevoir, name="reglement_recevoir"),
    path("releve/", views.releve, name="releve"),
    path("prelevement/", prelevement.prelevement, name="prelevement"),
    path("prelevement/arret/", prelevement.arret_demander, name="prelevement_arret"),
    path("prelevement/mandat/<int:pk>/pdf/", prelevement.mandat_pdf, name="mandat_pdf"),
    path("prelevement/mandat/<int:pk>/signer/", prelevement.mandat_signer, name="mandat_signer"),
    path("payer/", views.paiement, name="paiement"),
    path("payer/retour/", views.paiement_retour, name="paiement_retour"),
    path("payer/notification/", views.paiement_notification, name="paiement_notification"),
    path("payer/<uuid:jeton>/", views.paiement_resultat, name="paiement_resultat"),
    # Simulateur PayFiP : répond 404 si settings.PAYFIP_SIMULATEUR est faux.
    path("payfip-simulateur/paiement/", simulateur.page_paiement, name="simulateur_paiement"),
    path("payfip-simulateur/services/securite", simulateur.service, name="simulateur_service"),
    path("payfip-simulateur/<str:nom>", simulateur.ressource, name="simulateur_ressource"),
]
