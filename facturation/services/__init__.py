"""Les changements d'état de la facturation : facturation du mois, avoirs, règlements et
leur imputation, paiement en ligne PayFiP, demandes de duplicata et de reçu. Un module par
sujet ; tout s'importe depuis ``facturation.services``."""

from .demandes import (
    DUPLICATA,
    RECU,
    facture_demander_duplicata,
    reglement_demander_recu,
)
from .facturation import (
    CENTIME,
    COLONNES_LIGNE,
    TAILLE_LOT,
    GrilleTarifs,
    ResultatFacturation,
    bornes_du_mois,
    facturation_lancer,
    facture_emettre_avoir,
    numero_facture,
    reglement_encaisser,
    reglement_enregistrer,
    reglement_imputer_reste,
)
from .paiement import (
    MONTANT_MINIMUM,
    AccesPayfip,
    acces_payfip,
    backend_payfip,
    factures_payables,
    paiement_commencer,
    paiement_preparer,
    paiement_verifier,
    paiements_en_cours_verifier,
)

__all__ = [
    "CENTIME",
    "COLONNES_LIGNE",
    "DUPLICATA",
    "MONTANT_MINIMUM",
    "RECU",
    "TAILLE_LOT",
    "AccesPayfip",
    "GrilleTarifs",
    "ResultatFacturation",
    "acces_payfip",
    "backend_payfip",
    "bornes_du_mois",
    "facturation_lancer",
    "facture_demander_duplicata",
    "facture_emettre_avoir",
    "factures_payables",
    "numero_facture",
    "paiement_commencer",
    "paiement_preparer",
    "paiement_verifier",
    "paiements_en_cours_verifier",
    "reglement_demander_recu",
    "reglement_encaisser",
    "reglement_enregistrer",
    "reglement_imputer_reste",
]
