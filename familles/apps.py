from django.apps import AppConfig


class FamillesConfig(AppConfig):
    name = "familles"
    verbose_name = "Familles"

    def ready(self) -> None:
        from demandes.registre import TypeDemande, enregistrer_type
        from portail.noyau.registre import EntreeMenu, ajouter_menu

        from .services import TypeRenseignement, demande_appliquer, valeur_actuelle

        for code, libelle in TypeRenseignement.choices:
            enregistrer_type(
                TypeDemande(
                    code=code,
                    libelle=libelle,
                    appliquer=demande_appliquer,
                    valeur_actuelle=valeur_actuelle,
                )
            )
        ajouter_menu(EntreeMenu(10, "Renseignements", "familles:renseignements"))
