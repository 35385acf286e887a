import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .factories import ActiviteFactory, InscriptionFactory, TypePieceFactory


def pdf_valide(nom: str = "justificatif.pdf", taille: int = 0) -> SimpleUploadedFile:
    """Un vrai PDF (en-tête et fin de fichier), éventuellement rembourré jusqu'à ``taille``."""
    contenu = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if taille > len(contenu):
        contenu += b"%" + b"0" * (taille - len(contenu) - 1)
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def png_valide(nom: str = "photo.png") -> SimpleUploadedFile:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(tampon, format="PNG")
    return SimpleUploadedFile(nom, tampon.getvalue(), content_type="image/png")


@pytest.fixture
def cantine(db):
    return ActiviteFactory(nom="CANTINE")


@pytest.fixture
def types_cantine(cantine):
    domicile = TypePieceFactory(nom="Justificatif de domicile", ordre=1)
    impots = TypePieceFactory(nom="Avis d'imposition", ordre=2)
    for type_piece in (domicile, impots):
        type_piece.activites.add(cantine)
    return domicile, impots


@pytest.fixture
def lise(famille):
    return famille.enfants.get(prenom="Lise")


@pytest.fixture
def lise_a_la_cantine(lise, cantine):
    return InscriptionFactory(enfant=lise, activite=cantine)
