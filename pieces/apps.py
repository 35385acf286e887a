from django.apps import AppConfig


class PiecesConfig(AppConfig):
    name = "pieces"
    verbose_name = "Pièces"

    def ready(self) -> None:
        from demandes.audiences import Audience, enregistrer_audience
        from demandes.registre import TypeDemande, enregistrer_type
        from portail.noyau.registre import (
            BlocAccueil,
            EntreeMenu,
            ajouter_bloc_accueil,
            ajouter_menu,
        )

        from . import selectors, services, views

        enregistrer_type(
            TypeDemande(
                code=services.TYPE_DEMANDE,
                libelle="Pièce transmise",
                filtre="Pièces",
                appliquer=services.appliquer_demande_piece,
                refuser=services.refuser_demande_piece,
                annuler=services.annuler_demande_piece,
                infos_lignes=services.info_lignes_piece,
            )
        )
        ajouter_menu(EntreeMenu(50, "Pièces", "pieces:liste", "pieces_actives"))
        ajouter_bloc_accueil(
            BlocAccueil(50, "pieces/accueil_bloc.html", views.bloc_accueil, "pieces_actives")
        )
        enregistrer_audience(
            Audience(
                code="activite",
                libelle="Les familles ayant un enfant inscrit à une activité",
                choix=selectors.choix_activites,
                familles=selectors.familles_inscrites,
            )
        )
