"""Vérification de chaque ligne sans toucher la base : valeurs converties ou erreurs."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Field
from django.utils import timezone

from ..models import Enfant, Famille, Responsable, Role
from .bilan import Bilan, Erreur, Progression
from .colonnes import (
    CHAMPS_ADULTE,
    CHAMPS_ENFANT,
    CHAMPS_FAMILLE,
    CIVILITES,
    COLONNES_FAMILLE,
    QUALITES,
    RE_CODE_POSTAL,
    RE_NUMERO,
    RE_TELEPHONE,
    REGIMES,
    SEXES,
    TYPES_LIGNE,
)


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
SEULEMENT_ENFANT = {"sexe", "ecole", "classe", "second_foyer"}
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
            if nom == "second_foyer":
                if not RE_NUMERO.match(brute) or brute == numero:
                    erreur(
                        numero_ligne,
                        nom,
                        f"« {brute} » n'est pas le numéro d'une autre famille.",
                    )
                else:
                    valeurs[nom] = brute
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
    # Le second foyer d'un enfant : une famille du fichier ou déjà dans le portail.
    seconds = {p.valeurs["second_foyer"] for p in personnes if "second_foyer" in p.valeurs}
    connus = set(familles) | set(
        Famille.objects.filter(numero__in=seconds - set(familles)).values_list("numero", flat=True)
    )
    for personne in personnes:
        second = personne.valeurs.get("second_foyer")
        if second is not None and second not in connus:
            erreur(
                personne.ligne,
                "second_foyer",
                f"aucune famille n'a le numéro {second}, ni dans le fichier ni dans le portail.",
            )
    bilan.erreurs.sort(key=lambda e: e.ligne)
    return familles, personnes
