"""Conservation des demandes (voir portail/conservation.py et docs/exploitation.md)."""

from django.conf import settings
from django.db.models import Q

from portail.noyau.conservation import RegleConservation, regles_historique

from .models import StatutDemande


def regles() -> list[RegleConservation]:
    jours = settings.CONSERVATION_DEMANDES_JOURS
    return [
        # Les demandes en attente ne sont jamais purgées, quel que soit leur âge.
        RegleConservation(
            "Demandes traitées",
            "demandes.Demande",
            "traite_le",
            jours,
            filtre=Q(statut__in=[StatutDemande.ACCEPTEE, StatutDemande.REFUSEE]),
        ),
        RegleConservation(
            "Demandes annulées par la famille",
            "demandes.Demande",
            "cree_le",
            jours,
            filtre=Q(statut=StatutDemande.ANNULEE),
        ),
        # Messages des deux sens, avec leur pièce jointe (gardée tant qu'un message d'un même
        # envoi groupé la cite encore).
        RegleConservation(
            "Messages",
            "demandes.Message",
            "cree_le",
            settings.CONSERVATION_MESSAGES_JOURS,
            fichiers=("piece_jointe",),
        ),
        *regles_historique("demandes", settings.CONSERVATION_HISTORIQUE_JOURS),
    ]
