"""Conservation : les réservations restent (base de la facturation) ; leur historique et les
rappels envoyés sont purgés."""

from django.conf import settings

from portail.conservation import RegleConservation, regles_historique


def regles() -> list[RegleConservation]:
    return [
        RegleConservation(
            "Rappels avant fermeture envoyés",
            "reservations.RappelPeriode",
            "envoye_le",
            settings.CONSERVATION_RAPPELS_JOURS,
        ),
        *regles_historique("reservations", settings.CONSERVATION_HISTORIQUE_JOURS),
    ]
