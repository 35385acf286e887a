"""Contrôle des fichiers déposés : c'est le contenu réel qui décide, jamais le nom."""

import os
import re
import unicodedata
import uuid
from collections.abc import Callable
from functools import wraps

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

TAILLE_MAX = 5 * 1024 * 1024
# extension attendue -> types MIME reconnus par le contenu
TYPES_ACCEPTES = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
}
MESSAGE_TYPES = "Seuls les fichiers pdf, jpg, jpeg ou png (5 Mo max) sont acceptés."
MESSAGE_TAILLE = "Le fichier dépasse 5 Mo : réduisez-le (scan en 150 ppp, photo compressée)."
# Types reconnus par le contenu qui sont des programmes : message explicite.
TYPES_EXECUTABLES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-elf",
    "application/x-mach-binary",
    "application/x-sharedlib",
    "application/x-shockwave-flash",
    "application/x-dex",
}


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
        raise ValidationError(MESSAGE_TAILLE, code="taille")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in TYPES_ACCEPTES:
        raise ValidationError(MESSAGE_TYPES, code="extension")
    fichier.seek(0)
    entete = fichier.read(8192)
    fichier.seek(0)
    debut = entete.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if debut.startswith((b"<", b"<?xml")) or b"<svg" in debut[:512] or b"<html" in debut[:512]:
        raise ValidationError(
            "Les pages web et les images SVG ne sont pas acceptées : " + MESSAGE_TYPES,
            code="html",
        )
    detecte = filetype.guess(entete)
    if detecte is not None and detecte.mime in TYPES_EXECUTABLES:
        raise ValidationError(
            "Ce fichier est un programme, pas un document : il est refusé.", code="programme"
        )
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


def chemin_prive(dossier: str, nom: str) -> str:
    """Chemin de stockage d'un fichier privé : imprévisible, sans le nom d'origine brut."""
    return f"{dossier}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}_{nom_sur(nom)}"


class LimiteTailleUploadHandler(FileUploadHandler):
    """Abandonne un fichier dès qu'il dépasse TAILLE_MAX, avant de l'avoir gardé en entier.

    Le champ est noté dans ``request.fichiers_trop_gros`` pour que le formulaire réponde
    « Le fichier dépasse 5 Mo » plutôt que « champ obligatoire ».
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.taille = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.taille = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.taille += len(raw_data)
        if self.taille > TAILLE_MAX:
            trop_gros: set[str] = getattr(self.request, "fichiers_trop_gros", set())
            trop_gros.add(self.field_name)
            self.request.fichiers_trop_gros = trop_gros  # type: ignore[union-attr]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limiter_taille_des_fichiers(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Décorateur de vue : les gestionnaires d'envoi doivent changer avant la lecture du POST,
    donc avant le contrôle CSRF du middleware, qui est refait ici (documentation Django)."""

    vue_protegee = csrf_protect(vue)

    @csrf_exempt
    @wraps(vue)
    def enveloppe(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.upload_handlers.insert(0, LimiteTailleUploadHandler(request))
        return vue_protegee(request, *args, **kwargs)

    return enveloppe


def fichiers_trop_gros(request: HttpRequest) -> set[str]:
    return set(getattr(request, "fichiers_trop_gros", set()))
