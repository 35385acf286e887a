from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "demandes"
    verbose_name = "Demandes et messages"

    def ready(self) -> None:
        from portail.noyau.registre import (
            Audience,
            BlocAccueil,
            Branchement,
            EntreeMenu,
            Interrupteur,
            brancher,
        )

        from . import admin_messages, conservation, selectors, views, views_messages  # noqa: F401

        brancher(
            Branchement(
                application=self.label,
                menu=(
                    EntreeMenu(60, "Historique", "demandes:historique"),
                    EntreeMenu(70, "Boîte de réception", "demandes:messages", "messages_actifs"),
                ),
                accueil=(
                    BlocAccueil(
                        5,
                        "demandes/messages/accueil_bloc.html",
                        views_messages.bloc_accueil,
                        "messages_actifs",
                    ),
                    BlocAccueil(60, "demandes/accueil_bloc.html", views.bloc_accueil),
                ),
                audiences=(
                    Audience("toutes", "Toutes les familles", selectors.familles_toutes),
                    Audience("famille", "Une famille (son numéro)", selectors.familles_par_numero),
                ),
                conservation=conservation.regles,
                interrupteurs=(Interrupteur("messages_actifs", "Boîte de réception"),),
            )
        )
