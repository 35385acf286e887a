from django.urls import path

from . import views

app_name = "demandes"

urlpatterns = [
    path("", views.historique, name="historique"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/supprimer/", views.supprimer, name="supprimer"),
]
