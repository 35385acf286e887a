from django.apps import AppConfig


class FacturationConfig(AppConfig):
    name = "facturation"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from demandes.registre import enregistrer_type
        from familles.signaux import coordonnees_bancaires_modifiees
        from portail.noyau.registre import (
            BlocAccueil,
            EntreeMenu,
            ajouter_bloc_accueil,
            ajouter_menu,
        )

        from .demandes import TYPES
        from .prelevement.demandes import TYPES as TYPES_PRELEVEMENT
        from .prelevement.services import recevoir_coordonnees_bancaires
        from .views import contexte_accueil

        for type_demande in [*TYPES, *TYPES_PRELEVEMENT]:
            enregistrer_type(type_demande)
        # familles ne connaît pas la facturation : l'acceptation de coordonnées bancaires
        # (avec ou sans prélèvement) est annoncée par un signal, les mandats suivent ici.
        coordonnees_bancaires_modifiees.connect(
            recevoir_coordonnees_bancaires, dispatch_uid="facturation_mandats"
        )
        ajouter_menu(EntreeMenu(30, "Factures", "facturation:factures", "factures_actives"))
        ajouter_menu(EntreeMenu(40, "Règlements", "facturation:reglements", "factures_actives"))
        ajouter_menu(EntreeMenu(45, "Relevé de compte", "facturation:releve", "factures_actives"))
        ajouter_bloc_accueil(
            BlocAccueil(30, "facturation/accueil_bloc.html", contexte_accueil, "factures_actives")
        )
