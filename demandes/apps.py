from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes et messages"

    def ready(self) -> None:
        from portail.noyau.registre import (
            BlocAccueil,
            EntreeMenu,
            ajouter_bloc_accueil,
            ajouter_menu,
        )

        from . import admin_messages, views_messages  # noqa: F401  (boîte de réception)
        from .views import bloc_accueil

        ajouter_menu(EntreeMenu(60, "Historique", "demandes:historique"))
        ajouter_bloc_accueil(BlocAccueil(60, "demandes/accueil_bloc.html", bloc_accueil))
        views_messages.enregistrer()
