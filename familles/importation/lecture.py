"""Lecture du fichier : encodage, séparateur, en-tête, cellules de chaque ligne."""

import csv
import io

from .bilan import Bilan, ErreurFichier
from .colonnes import COLONNES, COLONNES_OBLIGATOIRES


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
