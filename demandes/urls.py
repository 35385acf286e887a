from django.urls import path  # noqa: F401

from .urls_messages import urlpatterns as urls_messages

app_name = "demandes"

urlpatterns: list = [*urls_messages]
