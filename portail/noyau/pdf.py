"""Rendu des PDF avec WeasyPrint, à partir d'un gabarit HTML (templates/<app>/pdf/)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from .configuration import configuration_courante


def rendre_pdf(gabarit: str, contexte: dict) -> bytes:
    from weasyprint import HTML  # import tardif : WeasyPrint charge pango au premier usage

    html = render_to_string(gabarit, {"config": configuration_courante(), **contexte})
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def reponse_pdf(contenu: bytes, nom_fichier: str, *, en_ligne: bool = True) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="application/pdf")
    disposition = "inline" if en_ligne else "attachment"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom_fichier}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse
