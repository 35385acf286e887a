"""Conservation : seul l'historique des fiches est purgé, jamais les fiches elles-mêmes."""

from django.conf import settings

from portail.noyau.conservation import RegleConservation, regles_historique


def regles() -> list[RegleConservation]:
    return regles_historique("familles", settings.CONSERVATION_HISTORIQUE_JOURS)
