"""Le site se branche comme une application : infos de la mairie, règles du socle
(sessions, journaux de connexion) et commune de démonstration (chargée d'abord, portail
étant avant les applications métier dans INSTALLED_APPS)."""

from django.db.models.signals import post_migrate

from . import actualites, demo
from .groupes import groupes_apres_migrate
from .noyau import conservation
from .noyau.registre import BlocAccueil, Branchement, EntreeMenu, brancher

post_migrate.connect(groupes_apres_migrate, dispatch_uid="portail_groupes")

brancher(
    Branchement(
        application="portail",
        menu=(EntreeMenu(80, "Infos", "portail:infos"),),
        accueil=(BlocAccueil(90, "portail/actualites_bloc.html", actualites.bloc_accueil),),
        conservation=conservation.regles,
        demo=demo.charger,
    )
)
