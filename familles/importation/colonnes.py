"""Les colonnes du fichier CSV et les champs des modèles qu'elles remplissent."""

import re

from ..models import Civilite, Qualite, Regime, Role, Sexe

COLONNES_OBLIGATOIRES = ("numero_famille", "type", "nom", "prenom")
COLONNES_FAMILLE = (
    "nom_famille",
    "adresse",
    "code_postal",
    "ville",
    "email_famille",
    "regime",
    "numero_allocataire",
    "quotient_familial",
)
COLONNES_PERSONNE = (
    "civilite",
    "qualite",
    "date_naissance",
    "cp_naissance",
    "ville_naissance",
    "sexe",
    "telephone_domicile",
    "telephone_mobile",
    "telephone_travail",
    "email",
    "profession",
    "ecole",
    "classe",
    # Garde alternée : le numéro de famille du second foyer de l'enfant.
    "second_foyer",
)
COLONNES = COLONNES_OBLIGATOIRES + COLONNES_FAMILLE + COLONNES_PERSONNE

TYPES_LIGNE = {
    "responsable": Role.RESPONSABLE,
    "conjoint": Role.CONJOINT,
    "autre": Role.AUTRE,
    "enfant": "enfant",
}
CIVILITES = {
    "m": Civilite.MONSIEUR,
    "m.": Civilite.MONSIEUR,
    "monsieur": Civilite.MONSIEUR,
    "mme": Civilite.MADAME,
    "madame": Civilite.MADAME,
}
QUALITES = {
    "pere": Qualite.PERE,
    "père": Qualite.PERE,
    "mere": Qualite.MERE,
    "mère": Qualite.MERE,
    "tuteur": Qualite.TUTEUR,
    "tutrice": Qualite.TUTRICE,
    "beau-parent": Qualite.BEAU_PARENT,
    "beau_parent": Qualite.BEAU_PARENT,
    "autre": Qualite.AUTRE,
}
SEXES = {
    "f": Sexe.FILLE,
    "fille": Sexe.FILLE,
    "m": Sexe.GARCON,
    "g": Sexe.GARCON,
    "garçon": Sexe.GARCON,
    "garcon": Sexe.GARCON,
}
REGIMES = {"caf": Regime.CAF, "msa": Regime.MSA, "autre": Regime.AUTRE}

RE_NUMERO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
RE_CODE_POSTAL = re.compile(r"^\d{5}$")
RE_TELEPHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")

CHAMPS_FAMILLE = {
    "nom_famille": "nom",
    "adresse": "adresse",
    "code_postal": "code_postal",
    "ville": "ville",
    "email_famille": "email",
    "regime": "regime",
    "numero_allocataire": "numero_allocataire",
    "quotient_familial": "quotient_familial",
}
CHAMPS_ADULTE = {
    "nom": "nom",
    "prenom": "prenom",
    "date_naissance": "date_naissance",
    "cp_naissance": "cp_naissance",
    "ville_naissance": "ville_naissance",
    "civilite": "civilite",
    "qualite": "qualite",
    "telephone_domicile": "telephone_domicile",
    "telephone_mobile": "telephone_mobile",
    "telephone_travail": "telephone_travail",
    "email": "email",
    "profession": "profession",
}
CHAMPS_ENFANT = {
    "nom": "nom",
    "prenom": "prenom",
    "date_naissance": "date_naissance",
    "cp_naissance": "cp_naissance",
    "ville_naissance": "ville_naissance",
    "sexe": "sexe",
    "ecole": "ecole",
    "classe": "classe",
    "second_foyer": "second_foyer_id",
}
