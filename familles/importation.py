"""Import des familles, adultes et enfants depuis un export CSV (voir docs/import_familles.md).

Deux temps : toutes les lignes sont d'abord vérifiées sans toucher la base ; s'il y a une
seule erreur, rien n'est importé. Sinon tout est écrit dans une seule transaction, par
écritures groupées (10 000 familles en moins d'une minute). Le numéro de famille est la clé :
réimporter le même fichier met à jour au lieu de dupliquer.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Field
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import (
    Civilite,
    Enfant,
    Famille,
    Qualite,
    Regime,
    Responsable,
    Role,
    Sexe,
)

TAILLE_LOT = 2000
MOTIF_HISTORIQUE = "Import CSV des familles"

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


class ErreurFichier(Exception):
    """Le fichier ne peut pas être lu du tout (encodage, colonnes manquantes, vide)."""


@dataclass
class Erreur:
    ligne: int
    colonne: str
    message: str

    def __str__(self) -> str:
        if self.colonne:
            return f"Ligne {self.ligne}, colonne « {self.colonne} » : {self.message}"
        return f"Ligne {self.ligne} : {self.message}"


@dataclass
class LigneFamille:
    """Les valeurs de la famille, réunies depuis toutes ses lignes."""

    numero: str
    premiere_ligne: int
    valeurs: dict[str, Any] = field(default_factory=dict)
    origine: dict[str, int] = field(default_factory=dict)


@dataclass
class LignePersonne:
    ligne: int
    numero: str
    type: str
    valeurs: dict[str, Any]


@dataclass
class Compteurs:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0

    def __str__(self) -> str:
        return f"{self.crees} créé(s), {self.modifies} mis à jour, {self.inchanges} inchangé(s)"


@dataclass
class Bilan:
    lignes: int = 0
    encodage: str = ""
    separateur: str = ""
    erreurs: list[Erreur] = field(default_factory=list)
    familles: Compteurs = field(default_factory=Compteurs)
    adultes: Compteurs = field(default_factory=Compteurs)
    enfants: Compteurs = field(default_factory=Compteurs)
    essai: bool = False

    @property
    def valide(self) -> bool:
        return not self.erreurs


Progression = Callable[[str], None]


# --- Lecture ---------------------------------------------------------------------------


def decoder(contenu: bytes) -> tuple[str, str]:
    """UTF-8 (avec ou sans BOM), sinon Windows-1252 (exports des logiciels de mairie)."""
    try:
        return contenu.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ErreurFichier(
            "Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en UTF-8."
        ) from exc


def _separateur(texte: str) -> str:
    entete = texte.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(entete, delimiters=";,").delimiter
    except csv.Error:
        return ";" if entete.count(";") >= entete.count(",") else ","


def lire_lignes(contenu: bytes, bilan: Bilan) -> list[tuple[int, dict[str, str]]]:
    texte, bilan.encodage = decoder(contenu)
    if not texte.strip():
        raise ErreurFichier("Le fichier est vide.")
    bilan.separateur = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=bilan.separateur)
    try:
        entete = [c.strip().lower() for c in next(lecteur)]
    except StopIteration as exc:
        raise ErreurFichier("Le fichier est vide.") from exc
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in entete]
    if manquantes:
        raise ErreurFichier(
            "Colonnes obligatoires absentes de la première ligne : "
            + ", ".join(manquantes)
            + f" (séparateur lu : « {bilan.separateur} »)."
        )
    inconnues = [c for c in entete if c and c not in COLONNES]
    if inconnues:
        raise ErreurFichier(
            "Colonnes inconnues : " + ", ".join(inconnues) + " (voir docs/import_familles.md)."
        )
    doubles = sorted({c for c in entete if c and entete.count(c) > 1})
    if doubles:
        raise ErreurFichier("Colonnes en double : " + ", ".join(doubles) + ".")
    # Une colonne sans titre (séparateur final d'un export tableur) est ignorée.
    colonnes = [(i, c) for i, c in enumerate(entete) if c]
    lignes = []
    for cellules in lecteur:
        # line_num : la dernière ligne physique lue (une cellule peut tenir sur plusieurs).
        numero_ligne = lecteur.line_num
        if not any(c.strip() for c in cellules):
            continue
        if len(cellules) > len(entete):
            lignes.append((numero_ligne, {"__trop__": str(len(cellules))}))
            continue
        lignes.append(
            (
                numero_ligne,
                {c: cellules[i].strip() if i < len(cellules) else "" for i, c in colonnes},
            )
        )
    return lignes


# --- Vérification ----------------------------------------------------------------------

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
}


def _date(valeur: str) -> date:
    try:
        jour = datetime.strptime(valeur, "%d/%m/%Y").date()
    except ValueError as exc:
        raise ValidationError(f"« {valeur} » n'est pas une date valide (jj/mm/aaaa).") from exc
    if jour > timezone.localdate():
        raise ValidationError(f"la date {valeur} est dans le futur.")
    if jour.year < 1900:
        raise ValidationError(f"la date {valeur} est trop ancienne.")
    return jour


def _choix(table: Mapping[str, str], libelle: str) -> Callable[[str], str]:
    def convertir(valeur: str) -> str:
        try:
            return table[valeur.lower()]
        except KeyError as exc:
            permis = ", ".join(sorted({k for k in table if "_" not in k and "." not in k}))
            raise ValidationError(
                f"« {valeur} » n'est pas {libelle} connu(e) (valeurs permises : {permis})."
            ) from exc

    return convertir


def _code_postal(valeur: str) -> str:
    if not RE_CODE_POSTAL.match(valeur):
        raise ValidationError(f"« {valeur} » n'est pas un code postal à 5 chiffres.")
    return valeur


def _telephone(valeur: str) -> str:
    if not RE_TELEPHONE.match(valeur):
        raise ValidationError(f"« {valeur} » n'est pas un numéro de téléphone valide.")
    return valeur


def _email(valeur: str) -> str:
    try:
        validate_email(valeur)
    except ValidationError as exc:
        raise ValidationError(f"« {valeur} » n'est pas une adresse e-mail valide.") from exc
    return valeur.lower()


def _quotient(valeur: str) -> int:
    if not valeur.isdigit() or int(valeur) > 100_000:
        raise ValidationError(f"« {valeur} » n'est pas un quotient familial (nombre entier).")
    return int(valeur)


CONVERSIONS: dict[str, Callable[[str], Any]] = {
    "code_postal": _code_postal,
    "cp_naissance": _code_postal,
    "email_famille": _email,
    "email": _email,
    "regime": _choix(REGIMES, "un régime"),
    "quotient_familial": _quotient,
    "civilite": _choix(CIVILITES, "une civilité"),
    "qualite": _choix(QUALITES, "une qualité"),
    "sexe": _choix(SEXES, "un sexe"),
    "date_naissance": _date,
    "telephone_domicile": _telephone,
    "telephone_mobile": _telephone,
    "telephone_travail": _telephone,
}
# Colonnes qui n'ont pas de sens pour un adulte, ou pour un enfant.
SEULEMENT_ENFANT = {"sexe", "ecole", "classe"}
SEULEMENT_ADULTE = {
    "civilite",
    "qualite",
    "telephone_domicile",
    "telephone_mobile",
    "telephone_travail",
    "email",
    "profession",
}


def _champ_modele(nom: str, type_ligne: str) -> Field:
    modele: type[models.Model]
    if nom in CHAMPS_FAMILLE:
        modele, attribut = Famille, CHAMPS_FAMILLE[nom]
    elif type_ligne == "enfant" or nom not in CHAMPS_ADULTE:
        modele, attribut = Enfant, CHAMPS_ENFANT[nom]
    else:
        modele, attribut = Responsable, CHAMPS_ADULTE[nom]
    champ = modele._meta.get_field(attribut)
    assert isinstance(champ, Field)
    return champ


def _convertir(nom: str, valeur: str, type_ligne: str) -> Any:
    conversion = CONVERSIONS.get(nom)
    converti = conversion(valeur) if conversion else valeur
    # Les règles posées sur les champs du modèle (longueur, validateurs du dossier famille)
    # valent aussi pour l'import : une seule définition des règles.
    _champ_modele(nom, type_ligne).run_validators(converti)
    return converti


def verifier(
    lignes: list[tuple[int, dict[str, str]]],
    bilan: Bilan,
    progression: Progression | None = None,
) -> tuple[dict[str, LigneFamille], list[LignePersonne]]:
    """Vérifie chaque ligne ; remplit bilan.erreurs et renvoie familles et personnes lues."""
    familles: dict[str, LigneFamille] = {}
    personnes: list[LignePersonne] = []
    cles_vues: dict[tuple, int] = {}
    noms_refuses: set[str] = set()  # nom de famille donné mais invalide : déjà signalé

    def erreur(ligne: int, colonne: str, message: str) -> None:
        bilan.erreurs.append(Erreur(ligne, colonne, message))

    for rang, (numero_ligne, cellules) in enumerate(lignes, start=1):
        if progression and rang % 10_000 == 0:
            progression(f"Vérification : {rang}/{len(lignes)} lignes.")
        if "__trop__" in cellules:
            erreur(numero_ligne, "", f"{cellules['__trop__']} cellules, plus que de colonnes.")
            continue
        numero = cellules["numero_famille"]
        type_ligne = cellules["type"].lower()
        if not numero:
            erreur(numero_ligne, "numero_famille", "le numéro de famille est obligatoire.")
        elif not RE_NUMERO.match(numero):
            erreur(
                numero_ligne,
                "numero_famille",
                f"« {numero} » n'est pas un numéro de famille valide "
                "(lettres, chiffres, - ou _, 20 caractères au plus).",
            )
            numero = ""
        if type_ligne not in TYPES_LIGNE:
            erreur(
                numero_ligne,
                "type",
                f"« {cellules['type']} » n'est pas un type de ligne connu "
                "(responsable, conjoint, autre ou enfant).",
            )
            type_ligne = ""
        for obligatoire in ("nom", "prenom"):
            if not cellules[obligatoire]:
                erreur(numero_ligne, obligatoire, "cette colonne est obligatoire.")

        valeurs: dict[str, Any] = {}
        for nom, brute in cellules.items():
            if nom in ("numero_famille", "type") or not brute:
                continue
            if type_ligne == "enfant" and nom in SEULEMENT_ADULTE:
                erreur(numero_ligne, nom, "cette colonne ne concerne que les adultes.")
                continue
            if type_ligne and type_ligne != "enfant" and nom in SEULEMENT_ENFANT:
                erreur(numero_ligne, nom, "cette colonne ne concerne que les enfants.")
                continue
            try:
                valeurs[nom] = _convertir(nom, brute, type_ligne)
            except ValidationError as exc:
                erreur(numero_ligne, nom, exc.messages[0])
                if nom == "nom_famille":
                    noms_refuses.add(numero)
        if type_ligne == "enfant" and not cellules.get("date_naissance"):
            erreur(numero_ligne, "date_naissance", "obligatoire pour un enfant.")
        if not numero or not type_ligne:
            continue

        famille = familles.setdefault(numero, LigneFamille(numero, numero_ligne))
        for nom in COLONNES_FAMILLE:
            if nom not in valeurs:
                continue
            deja = famille.valeurs.get(nom)
            if deja is not None and deja != valeurs[nom]:
                erreur(
                    numero_ligne,
                    nom,
                    f"« {cellules[nom]} » diffère de la ligne {famille.origine[nom]} "
                    f"pour la même famille {numero}.",
                )
            elif deja is None:
                famille.valeurs[nom] = valeurs[nom]
                famille.origine[nom] = numero_ligne

        # Une même personne deux fois dans le fichier serait importée deux fois.
        if type_ligne == "enfant":
            cle: tuple = (
                numero,
                "enfant",
                cellules["prenom"].casefold(),
                valeurs.get("date_naissance"),
            )
            quoi = "cet enfant (même prénom et même date de naissance)"
        elif type_ligne == Role.RESPONSABLE:
            cle = (numero, Role.RESPONSABLE)
            quoi = "un responsable pour cette famille"
        else:
            cle = (numero, type_ligne, cellules["prenom"].casefold(), cellules["nom"].casefold())
            quoi = "cet adulte"
        if cle in cles_vues:
            erreur(numero_ligne, "", f"la ligne {cles_vues[cle]} décrit déjà {quoi}.")
        else:
            cles_vues[cle] = numero_ligne
        personnes.append(
            LignePersonne(
                numero_ligne,
                numero,
                type_ligne,
                {k: v for k, v in valeurs.items() if k not in COLONNES_FAMILLE},
            )
        )

    for famille in familles.values():
        if "nom_famille" not in famille.valeurs and famille.numero not in noms_refuses:
            erreur(
                famille.premiere_ligne,
                "nom_famille",
                f"aucune ligne de la famille {famille.numero} ne donne le nom de la famille.",
            )
    bilan.erreurs.sort(key=lambda e: e.ligne)
    return familles, personnes


# --- Écriture --------------------------------------------------------------------------


def _appliquer(objet: Any, valeurs: dict[str, Any], champs: dict[str, str]) -> set[str]:
    """Copie les cellules non vides sur l'objet ; renvoie les champs réellement changés.

    Une cellule vide ne vide pas le champ : le portail garde ce que la famille a mis à jour.
    """
    changes = set()
    for colonne, attribut in champs.items():
        if colonne in valeurs and getattr(objet, attribut) != valeurs[colonne]:
            setattr(objet, attribut, valeurs[colonne])
            changes.add(attribut)
    return changes


def _cle_adulte(famille_id: int, role: str, prenom: str, nom: str) -> tuple:
    # Un seul responsable par famille (contrainte) : son nom peut changer d'un import à l'autre.
    if role == Role.RESPONSABLE:
        return (famille_id, Role.RESPONSABLE)
    return (famille_id, role, prenom.casefold(), nom.casefold())


def _par_lots(ids: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(ids), TAILLE_LOT):
        yield ids[i : i + TAILLE_LOT]


def _ecrire(
    familles_lues: dict[str, LigneFamille],
    personnes: list[LignePersonne],
    bilan: Bilan,
    auteur: Any,
    motif: str,
    progression: Progression,
) -> None:
    numeros = list(familles_lues)
    existantes: dict[str, Famille] = {}
    for lot in _par_lots(numeros):
        existantes.update((f.numero, f) for f in Famille.objects.filter(numero__in=lot))

    nouvelles, modifiees, champs_modifies = [], [], set()
    for numero, lue in familles_lues.items():
        famille = existantes.get(numero)
        if famille is None:
            famille = Famille(numero=numero)
            _appliquer(famille, lue.valeurs, CHAMPS_FAMILLE)
            nouvelles.append(famille)
        else:
            changes = _appliquer(famille, lue.valeurs, CHAMPS_FAMILLE)
            if changes:
                modifiees.append(famille)
                champs_modifies |= changes
    historique = {"default_user": auteur, "default_change_reason": motif[:100]}
    if nouvelles:
        # PostgreSQL renvoie les identifiants créés : pas de relecture.
        for famille in bulk_create_with_history(
            nouvelles, Famille, batch_size=TAILLE_LOT, **historique
        ):
            existantes[famille.numero] = famille
    if modifiees:
        bulk_update_with_history(
            modifiees, Famille, sorted(champs_modifies), batch_size=TAILLE_LOT, **historique
        )
    bilan.familles = Compteurs(
        len(nouvelles), len(modifiees), len(numeros) - len(nouvelles) - len(modifiees)
    )
    progression(f"Familles traitées : {bilan.familles}.")

    ids = [existantes[n].pk for n in numeros]
    adultes: dict[tuple, Responsable] = {}
    enfants: dict[tuple, Enfant] = {}
    for lot in _par_lots(ids):
        for adulte in Responsable.objects.filter(famille_id__in=lot):
            adultes[_cle_adulte(adulte.famille_id, adulte.role, adulte.prenom, adulte.nom)] = adulte
        for enfant in Enfant.objects.filter(famille_id__in=lot):
            enfants[(enfant.famille_id, enfant.prenom.casefold(), enfant.date_naissance)] = enfant

    adultes_crees: list[Responsable] = []
    adultes_modifies: list[Responsable] = []
    enfants_crees: list[Enfant] = []
    enfants_modifies: list[Enfant] = []
    champs_adultes: set[str] = set()
    champs_enfants: set[str] = set()
    nb_adultes = nb_enfants = 0
    for personne in personnes:
        famille = existantes[personne.numero]
        v = personne.valeurs
        if personne.type == "enfant":
            nb_enfants += 1
            enfant_existant = enfants.get((famille.pk, v["prenom"].casefold(), v["date_naissance"]))
            if enfant_existant is None:
                nouvel_enfant = Enfant(famille=famille)
                _appliquer(nouvel_enfant, v, CHAMPS_ENFANT)
                enfants_crees.append(nouvel_enfant)
            elif changes := _appliquer(enfant_existant, v, CHAMPS_ENFANT):
                enfants_modifies.append(enfant_existant)
                champs_enfants |= changes
            continue
        nb_adultes += 1
        adulte_existant = adultes.get(_cle_adulte(famille.pk, personne.type, v["prenom"], v["nom"]))
        if adulte_existant is None:
            nouvel_adulte = Responsable(famille=famille, role=personne.type)
            _appliquer(nouvel_adulte, v, CHAMPS_ADULTE)
            adultes_crees.append(nouvel_adulte)
        elif changes := _appliquer(adulte_existant, v, CHAMPS_ADULTE):
            adultes_modifies.append(adulte_existant)
            champs_adultes |= changes

    if adultes_crees:
        bulk_create_with_history(adultes_crees, Responsable, batch_size=TAILLE_LOT, **historique)
    if adultes_modifies:
        bulk_update_with_history(
            adultes_modifies,
            Responsable,
            sorted(champs_adultes),
            batch_size=TAILLE_LOT,
            **historique,
        )
    bilan.adultes = Compteurs(
        len(adultes_crees),
        len(adultes_modifies),
        nb_adultes - len(adultes_crees) - len(adultes_modifies),
    )
    progression(f"Adultes traités : {bilan.adultes}.")
    if enfants_crees:
        bulk_create_with_history(enfants_crees, Enfant, batch_size=TAILLE_LOT, **historique)
    if enfants_modifies:
        bulk_update_with_history(
            enfants_modifies, Enfant, sorted(champs_enfants), batch_size=TAILLE_LOT, **historique
        )
    bilan.enfants = Compteurs(
        len(enfants_crees),
        len(enfants_modifies),
        nb_enfants - len(enfants_crees) - len(enfants_modifies),
    )
    progression(f"Enfants traités : {bilan.enfants}.")


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
        _ecrire(familles_lues, personnes, bilan, auteur, motif, signaler)
        if essai:
            transaction.set_rollback(True)
    return bilan
