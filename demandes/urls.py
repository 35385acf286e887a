from django.urls import path

from . import views
from .urls_messages import urlpatterns as urls_messages

app_name = "demandes"

urlpatterns = [
    path("", views.historique, name="historique"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/supprimer/", views.supprimer, name="supprimer"),
    *urls_messages,
]
