"""Les demandes de réservation et d'absence, le menu Réservations et Planning, leur
interrupteur, la purge et la démo : ce que ``reservations`` déclare au registre du socle."""

from portail.noyau import registre

from . import conservation, demo, services
from .services import absences

registre.brancher(
    registre.Branchement(
        application="reservations",
        types_demande=(
            registre.TypeDemande(
                code=services.TYPE_DEMANDE,
                libelle="Réservations",
                appliquer=services.reservation_appliquer,
                refuser=services.reservation_refuser,
                annuler=services.reservation_annuler,
                decrire=services.reservation_decrire,
                ligne_par_ligne=True,
                rubrique=registre.RUBRIQUE_ENFANTS,
            ),
            registre.TypeDemande(
                code=absences.TYPE_ABSENCE,
                libelle="Déclaration d'absence",
                appliquer=absences.absence_appliquer,
                refuser=absences.absence_refuser,
                annuler=absences.absence_annuler,
                decrire=absences.absence_decrire,
                filtre="Absences",
                rubrique=registre.RUBRIQUE_ENFANTS,
                aide_decision="Accepter = absent excusé, non facturé ; refuser = absent facturé.",
                documents=absences.certificats_absences,
            ),
        ),
        menu=(
            registre.EntreeMenu(20, "Réservations", "reservations:index", "reservations_actives"),
            registre.EntreeMenu(25, "Planning", "reservations:planning", "reservations_actives"),
        ),
        conservation=conservation.regles,
        demo=demo.charger,
        interrupteurs=(registre.Interrupteur("reservations_actives", "Réservations en ligne"),),
    )
)
