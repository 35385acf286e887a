from django.apps import AppConfig


class FamillesConfig(AppConfig):
    name = "familles"
    verbose_name = "Familles"

    def ready(self) -> None:
        from demandes.registre import TypeDemande, enregistrer_type
        from portail.noyau.registre import (
            BlocAccueil,
            EntreeMenu,
            ajouter_bloc_accueil,
            ajouter_menu,
        )

        from .selectors import responsable_accueil
        from .services import TypeRenseignement, demande_appliquer, valeur_actuelle

        # Historique : « Mon compte » (le dossier famille) ou « Mes enfants ».
        des_enfants = {
            TypeRenseignement.ENFANTS,
            TypeRenseignement.AUTORISATIONS,
            TypeRenseignement.SANITAIRE,
        }
        for code, libelle in TypeRenseignement.choices:
            enregistrer_type(
                TypeDemande(
                    code=code,
                    libelle=libelle,
                    appliquer=demande_appliquer,
                    valeur_actuelle=valeur_actuelle,
                    extra={"rubrique": "enfants" if code in des_enfants else "compte"},
                )
            )
        ajouter_menu(EntreeMenu(10, "Renseignements", "familles:renseignements"))
        ajouter_bloc_accueil(BlocAccueil(1, "familles/accueil_bloc.html", responsable_accueil))
