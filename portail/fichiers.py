"""Contrôle des fichiers déposés : c'est le contenu réel qui décide, jamais le nom."""

import os
import re
import unicodedata

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

TAILLE_MAX = 5 * 1024 * 1024
# extension attendue -> types MIME reconnus par le contenu
TYPES_ACCEPTES = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
}
MESSAGE_TYPES = "Seuls les fichiers pdf, jpg, jpeg ou png (5 Mo max) sont acceptés."


def nom_sur(nom: str) -> str:
    """Un nom de fichier sans chemin ni caractère gênant, pour le stockage et l'en-tête."""
    nom = unicodedata.normalize("NFKD", os.path.basename(nom)).encode("ascii", "ignore").decode()
    nom = re.sub(r"[^A-Za-z0-9._-]+", "_", nom).strip("._")
    return nom[:100] or "fichier"


def verifier_fichier(fichier: UploadedFile) -> str:
    """Vérifie un fichier déposé et renvoie son extension normalisée ; lève ValidationError."""
    nom = fichier.name or ""
    if not nom or "/" in nom or "\\" in nom or nom.startswith(".") or "\x00" in nom:
        raise ValidationError("Le nom du fichier n'est pas valide.", code="nom")
    if fichier.size is None or fichier.size == 0:
        raise ValidationError("Le fichier est vide.", code="vide")
    if fichier.size > TAILLE_MAX:
        raise ValidationError("Le fichier dépasse 5 Mo.", code="taille")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in TYPES_ACCEPTES:
        raise ValidationError(MESSAGE_TYPES, code="extension")
    fichier.seek(0)
    entete = fichier.read(8192)
    fichier.seek(0)
    detecte = filetype.guess(entete)
    if detecte is None or detecte.mime not in TYPES_ACCEPTES[extension]:
        raise ValidationError(
            "Le contenu du fichier ne correspond pas à un pdf, jpg ou png.", code="contenu"
        )
    return "jpg" if extension == "jpeg" else extension


def reponse_fichier(champ_fichier, nom_telechargement: str) -> FileResponse:
    """Sert un fichier privé en pièce jointe, avec un nom sûr ; l'appelant a vérifié l'accès."""
    reponse = FileResponse(
        champ_fichier.open("rb"), as_attachment=True, filename=nom_sur(nom_telechargement)
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
