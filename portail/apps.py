from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _apres_migrate(sender, using: str = "default", **kwargs) -> None:
    # Une seule fois par migrate (après la dernière application), quand toutes les
    # permissions existent.
    from django.apps import apps

    derniere = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if sender.name != derniere.name:
        return
    from .groupes import groupes_mettre_a_jour

    groupes_mettre_a_jour()


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = "Portail"

    def ready(self) -> None:
        from . import actualites, demo
        from .noyau import conservation
        from .noyau.registre import BlocAccueil, Branchement, EntreeMenu, brancher

        post_migrate.connect(_apres_migrate, dispatch_uid="portail_groupes")
        # Le site se branche comme une application : infos de la mairie, règles du socle
        # (sessions, journaux de connexion) et commune de démonstration (chargée d'abord).
        brancher(
            Branchement(
                application=self.label,
                menu=(EntreeMenu(80, "Infos", "portail:infos"),),
                accueil=(BlocAccueil(90, "portail/actualites_bloc.html", actualites.bloc_accueil),),
                conservation=conservation.regles,
                demo=demo.charger,
            )
        )
