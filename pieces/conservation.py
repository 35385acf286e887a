"""Conservation des pièces transmises (voir portail/conservation.py et docs/exploitation.md).

Une pièce en attente, ou validée et encore valable, n'est jamais purgée : la famille devrait
sinon la transmettre à nouveau. Les formulaires à télécharger de la mairie restent.
"""

from django.conf import settings
from django.db.models import Q

from portail.noyau.conservation import RegleConservation

from .models import StatutPiece


def regles() -> list[RegleConservation]:
    jours = settings.CONSERVATION_PIECES_JOURS
    return [
        RegleConservation(
            "Pièces refusées ou annulées",
            "pieces.Piece",
            "deposee_le",
            jours,
            filtre=Q(statut__in=[StatutPiece.REFUSEE, StatutPiece.ANNULEE]),
            fichiers=("fichier",),
        ),
        RegleConservation(
            "Pièces validées arrivées à échéance",
            "pieces.Piece",
            "valide_jusqu_au",
            jours,
            filtre=Q(statut=StatutPiece.VALIDEE),
            fichiers=("fichier",),
        ),
    ]
