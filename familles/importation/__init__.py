"""Import des familles, adultes et enfants depuis un export CSV (voir docs/import_familles.md).

Deux temps : toutes les lignes sont d'abord vérifiées sans toucher la base ; s'il y a une
seule erreur, rien n'est importé. Sinon tout est écrit dans une seule transaction, par
écritures groupées (10 000 familles en moins d'une minute). Le numéro de famille est la clé :
réimporter le même fichier met à jour au lieu de dupliquer.
"""

from typing import Any

from django.db import transaction

from .bilan import Bilan, Compteurs, Erreur, ErreurFichier, Progression
from .colonnes import COLONNES
from .ecriture import ecrire
from .lecture import lire_lignes
from .verification import verifier

__all__ = [
    "COLONNES",
    "MOTIF_HISTORIQUE",
    "Bilan",
    "Compteurs",
    "Erreur",
    "ErreurFichier",
    "familles_importer",
]

MOTIF_HISTORIQUE = "Import CSV des familles"


def familles_importer(
    *,
    contenu: bytes,
    essai: bool = False,
    auteur: Any = None,
    motif: str = MOTIF_HISTORIQUE,
    progression: Progression | None = None,
) -> Bilan:
    """Vérifie tout le fichier, puis importe tout ou rien.

    Avec ``essai``, l'import est fait puis annulé : le bilan est exact et la base inchangée.
    Lève ErreurFichier si le fichier est illisible ; les erreurs de lignes sont dans le bilan.
    """
    signaler = progression or (lambda _message: None)
    bilan = Bilan(essai=essai)
    lignes = lire_lignes(contenu, bilan)
    bilan.lignes = len(lignes)
    signaler(
        f"{bilan.lignes} ligne(s) lue(s) ({bilan.encodage}, séparateur « {bilan.separateur} »)."
    )
    familles_lues, personnes = verifier(lignes, bilan, signaler)
    signaler(f"Vérification terminée : {len(bilan.erreurs)} erreur(s).")
    if bilan.erreurs:
        return bilan
    with transaction.atomic():
        ecrire(familles_lues, personnes, bilan, auteur, motif, signaler)
        if essai:
            transaction.set_rollback(True)
    return bilan
