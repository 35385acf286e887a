"""Les demandes de modification du dossier, la page Renseignements, le bloc du responsable
à l'accueil, la purge et la démo des familles : ce que ``familles`` déclare au registre."""

from portail.noyau import registre

from . import conservation, demo
from .selectors import renseignement_decrire, responsable_accueil
from .services import TypeRenseignement, renseignement_appliquer, renseignement_valeur_actuelle

# Historique : « Mon compte » (le dossier famille) ou « Mes enfants ».
DES_ENFANTS = {
    TypeRenseignement.ENFANTS,
    TypeRenseignement.AUTORISATIONS,
    TypeRenseignement.SANITAIRE,
}

registre.brancher(
    registre.Branchement(
        application="familles",
        types_demande=tuple(
            registre.TypeDemande(
                code=code,
                libelle=libelle,
                appliquer=renseignement_appliquer,
                valeur_actuelle=renseignement_valeur_actuelle,
                decrire=renseignement_decrire,
                rubrique=registre.RUBRIQUE_ENFANTS
                if code in DES_ENFANTS
                else registre.RUBRIQUE_COMPTE,
            )
            for code, libelle in TypeRenseignement.choices
        ),
        menu=(registre.EntreeMenu(10, "Renseignements", "familles:renseignements"),),
        accueil=(registre.BlocAccueil(1, "familles/accueil_bloc.html", responsable_accueil),),
        conservation=conservation.regles,
        demo=demo.charger,
    )
)
