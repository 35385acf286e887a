from django.apps import AppConfig


class PiecesConfig(AppConfig):
    name = "pieces"
    verbose_name = "Pièces"

    def ready(self) -> None:
        from portail.noyau.registre import (
            Audience,
            BlocAccueil,
            Branchement,
            EntreeMenu,
            Interrupteur,
            TypeDemande,
            brancher,
        )

        from . import conservation, demo, selectors, services, views

        brancher(
            Branchement(
                application=self.label,
                types_demande=(
                    TypeDemande(
                        code=services.TYPE_DEMANDE,
                        libelle="Pièce transmise",
                        filtre="Pièces",
                        appliquer=services.piece_appliquer,
                        refuser=services.piece_refuser,
                        annuler=services.piece_annuler,
                        decrire=services.piece_decrire,
                    ),
                ),
                menu=(EntreeMenu(50, "Pièces", "pieces:liste", views.PIECES),),
                accueil=(
                    BlocAccueil(50, "pieces/accueil_bloc.html", views.bloc_accueil, views.PIECES),
                ),
                audiences=(
                    Audience(
                        code="activite",
                        libelle="Les familles ayant un enfant inscrit à une activité",
                        choix=selectors.choix_activites,
                        familles=selectors.familles_inscrites,
                    ),
                ),
                conservation=conservation.regles,
                demo=demo.charger,
                interrupteurs=(Interrupteur(views.PIECES, "Pièces justificatives"),),
            )
        )
