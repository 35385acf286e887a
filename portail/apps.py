from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = "Portail"

    def ready(self) -> None:
        from . import actualites

        actualites.enregistrer()
