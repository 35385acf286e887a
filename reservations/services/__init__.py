"""Les changements d'état des réservations : demandes de réservation, absences, pointage,
rappels avant fermeture, jours d'ouverture et préparation d'une année scolaire. Un module
par sujet ; tout s'importe depuis ``reservations.services``."""

from .absences import (
    TYPE_ABSENCE,
    absence_annuler,
    absence_appliquer,
    absence_declarable,
    absence_declarer,
    absence_decrire,
    absence_refuser,
    certificats_absences,
    libelle_jour,
)
from .calendrier import (
    BilanAnnee,
    BilanGeneration,
    annee_preparer,
    jours_ouverture_generer,
    periodes_appliquer_regle_fermeture,
)
from .pointage import pointage_enregistrer
from .rappels import rappels_fermeture_envoyer
from .reservations import (
    AJOUT,
    SUPPRESSION,
    TYPE_DEMANDE,
    LigneRecap,
    libelle_ligne,
    lignes_recap,
    nom_activite,
    reservation_annuler,
    reservation_appliquer,
    reservation_decrire,
    reservation_demander,
    reservation_refuser,
    reservation_verifier,
    resume_demande,
)

__all__ = [
    "AJOUT",
    "SUPPRESSION",
    "TYPE_ABSENCE",
    "TYPE_DEMANDE",
    "BilanAnnee",
    "BilanGeneration",
    "LigneRecap",
    "absence_annuler",
    "absence_appliquer",
    "absence_declarable",
    "absence_declarer",
    "absence_decrire",
    "absence_refuser",
    "annee_preparer",
    "certificats_absences",
    "jours_ouverture_generer",
    "libelle_jour",
    "libelle_ligne",
    "lignes_recap",
    "nom_activite",
    "periodes_appliquer_regle_fermeture",
    "pointage_enregistrer",
    "rappels_fermeture_envoyer",
    "reservation_annuler",
    "reservation_appliquer",
    "reservation_decrire",
    "reservation_demander",
    "reservation_refuser",
    "reservation_verifier",
    "resume_demande",
]
