from django.apps import AppConfig


class FamillesConfig(AppConfig):
    name = "familles"
    verbose_name = "Familles"

    def ready(self) -> None:
        from portail.noyau.registre import (
            RUBRIQUE_COMPTE,
            RUBRIQUE_ENFANTS,
            BlocAccueil,
            Branchement,
            EntreeMenu,
            TypeDemande,
            brancher,
        )

        from . import conservation, demo
        from .selectors import renseignement_decrire, responsable_accueil
        from .services import (
            TypeRenseignement,
            renseignement_appliquer,
            renseignement_valeur_actuelle,
        )

        # Historique : « Mon compte » (le dossier famille) ou « Mes enfants ».
        des_enfants = {
            TypeRenseignement.ENFANTS,
            TypeRenseignement.AUTORISATIONS,
            TypeRenseignement.SANITAIRE,
        }
        brancher(
            Branchement(
                application=self.label,
                types_demande=tuple(
                    TypeDemande(
                        code=code,
                        libelle=libelle,
                        appliquer=renseignement_appliquer,
                        valeur_actuelle=renseignement_valeur_actuelle,
                        decrire=renseignement_decrire,
                        rubrique=RUBRIQUE_ENFANTS if code in des_enfants else RUBRIQUE_COMPTE,
                    )
                    for code, libelle in TypeRenseignement.choices
                ),
                menu=(EntreeMenu(10, "Renseignements", "familles:renseignements"),),
                accueil=(BlocAccueil(1, "familles/accueil_bloc.html", responsable_accueil),),
                conservation=conservation.regles,
                demo=demo.charger,
            )
        )
