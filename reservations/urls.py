from django.urls import path

from . import views

app_name = "reservations"

urlpatterns = [
    path("", views.index, name="index"),
    path("reserver/", views.reserver, name="reserver"),
    path("imprimer/", views.imprimer, name="imprimer"),
]
