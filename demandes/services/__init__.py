"""Les changements d'état de ``demandes`` : le cycle de vie d'une demande (création,
acceptation, refus, annulation) et la boîte de réception (écrire, répondre, diffuser, lire,
supprimer, restaurer). Un module par sujet ; tout s'importe depuis ``demandes.services``."""

from .demandes import Ligne, demande_accepter, demande_annuler, demande_creer, demande_refuser
from .messages import (
    DELAI_DOUBLON,
    TAILLE_LOT,
    message_diffuser,
    message_envoyer,
    message_marquer_lu,
    message_restaurer,
    message_supprimer,
)

__all__ = [
    "DELAI_DOUBLON",
    "TAILLE_LOT",
    "Ligne",
    "demande_accepter",
    "demande_annuler",
    "demande_creer",
    "demande_refuser",
    "message_diffuser",
    "message_envoyer",
    "message_marquer_lu",
    "message_restaurer",
    "message_supprimer",
]
