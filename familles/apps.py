from django.apps import AppConfig


class FamillesConfig(AppConfig):
    name = "familles"
    verbose_name = "Familles"

    def ready(self) -> None:
        from portail.noyau.registre import Branchement, EntreeMenu, TypeDemande, brancher

        from . import conservation, demo
        from .services import (
            TypeRenseignement,
            renseignement_appliquer,
            renseignement_valeur_actuelle,
        )

        brancher(
            Branchement(
                application=self.label,
                types_demande=tuple(
                    TypeDemande(
                        code=code,
                        libelle=libelle,
                        appliquer=renseignement_appliquer,
                        valeur_actuelle=renseignement_valeur_actuelle,
                    )
                    for code, libelle in TypeRenseignement.choices
                ),
                menu=(EntreeMenu(10, "Renseignements", "familles:renseignements"),),
                conservation=conservation.regles,
                demo=demo.charger,
            )
        )
