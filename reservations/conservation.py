"""Conservation : les réservations restent (base de la facturation) ; leur historique, les
rappels envoyés et les absences décidées (avec leur certificat médical) sont purgés."""

from django.conf import settings
from django.db.models import Q

from portail.noyau.conservation import RegleConservation, regles_historique


def regles() -> list[RegleConservation]:
    return [
        RegleConservation(
            "Rappels avant fermeture envoyés",
            "reservations.RappelPeriode",
            "envoye_le",
            settings.CONSERVATION_RAPPELS_JOURS,
        ),
        # Le jour reste « Absent excusé » ou « Absent facturé » sur la réservation ; seule la
        # déclaration (motif, précisions, certificat médical) part. Jamais tant que la
        # demande est en attente.
        RegleConservation(
            "Absences déclarées et certificats médicaux",
            "reservations.Absence",
            "cree_le",
            settings.CONSERVATION_PIECES_JOURS,
            filtre=~Q(demande__statut="en_attente"),
            fichiers=("certificat",),
        ),
        *regles_historique("reservations", settings.CONSERVATION_HISTORIQUE_JOURS),
    ]
