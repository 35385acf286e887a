"""Les changements d'état des réservations : demandes de réservation, absences, pointage,
rappels avant fermeture, jours d'ouverture et préparation d'une année scolaire. Un module
par sujet ; tout s'importe depuis ``reservations.services``."""

from .absences import (
    TYPE_ABSENCE,
    TYPE_DEMANDE_ABSENCE,
    absence_declarable,
    absence_declarer,
    annuler_absence,
    appliquer_absence,
    infos_absences,
    libelle_jour,
    refuser_absence,
)
from .calendrier import BilanAnnee, BilanGeneration, annee_preparer, jours_ouverture_generer
from .pointage import pointage_enregistrer
from .rappels import rappels_fermeture_envoyer
from .reservations import (
    AJOUT,
    SUPPRESSION,
    TYPE_DEMANDE,
    LigneRecap,
    annuler,
    appliquer,
    enregistrer_type_demande,
    infos_lignes,
    libelle_ligne,
    lignes_recap,
    nom_activite,
    refuser,
    reservation_demander,
    reservation_verifier,
    resume_demande,
)

__all__ = [
    "AJOUT",
    "SUPPRESSION",
    "TYPE_ABSENCE",
    "TYPE_DEMANDE",
    "TYPE_DEMANDE_ABSENCE",
    "BilanAnnee",
    "BilanGeneration",
    "LigneRecap",
    "absence_declarable",
    "absence_declarer",
    "annee_preparer",
    "annuler",
    "annuler_absence",
    "appliquer",
    "appliquer_absence",
    "enregistrer_type_demande",
    "infos_absences",
    "infos_lignes",
    "jours_ouverture_generer",
    "libelle_jour",
    "libelle_ligne",
    "lignes_recap",
    "nom_activite",
    "pointage_enregistrer",
    "rappels_fermeture_envoyer",
    "refuser",
    "refuser_absence",
    "reservation_demander",
    "reservation_verifier",
    "resume_demande",
]
