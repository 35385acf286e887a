from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portail.urls")),
    path("compte/", include("portail.urls_comptes")),
    path("renseignements/", include("familles.urls")),
    path("demandes/", include("demandes.urls")),
    path("reservations/", include("reservations.urls")),
    path("factures/", include("facturation.urls")),
    path("pieces/", include("pieces.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Portail Famille — administration"
admin.site.site_title = "Portail Famille"
admin.site.index_title = "Gestion du portail"
