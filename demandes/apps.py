from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes et messages"

    def ready(self) -> None:
        from . import admin_messages, views_messages  # noqa: F401  (boîte de réception)

        views_messages.enregistrer()
