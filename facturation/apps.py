from django.apps import AppConfig


class FacturationConfig(AppConfig):
    name = "facturation"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from demandes.registre import enregistrer_type
        from portail.noyau.registre import (
            BlocAccueil,
            EntreeMenu,
            ajouter_bloc_accueil,
            ajouter_menu,
        )

        from .services import TYPES
        from .views import contexte_accueil

        for type_demande in TYPES:
            enregistrer_type(type_demande)
        ajouter_menu(EntreeMenu(30, "Factures", "facturation:factures", "factures_actives"))
        ajouter_menu(EntreeMenu(40, "Règlements", "facturation:reglements", "factures_actives"))
        ajouter_menu(EntreeMenu(45, "Relevé de compte", "facturation:releve", "factures_actives"))
        ajouter_bloc_accueil(
            BlocAccueil(30, "facturation/accueil_bloc.html", contexte_accueil, "factures_actives")
        )
