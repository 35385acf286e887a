"""verifier_fichier (le socle) appelé directement : les noms que Django ne nettoie pas."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portail.noyau.fichiers import nom_sur, verifier_fichier

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    "nom", ["../../etc/passwd.pdf", "dossier\\facture.pdf", ".cache.pdf", "a\x00.pdf", ""]
)
def test_un_nom_avec_un_chemin_ou_cache_est_refuse(nom):
    fichier = SimpleUploadedFile("x.pdf", PDF)
    fichier._name = nom  # contourne le nettoyage de Django, comme un appel direct
    with pytest.raises(ValidationError) as erreur:
        verifier_fichier(fichier)
    assert erreur.value.messages == ["Le nom du fichier n'est pas valide."]


def test_pdf_jpeg_renvoie_l_extension_normalisee():
    assert verifier_fichier(SimpleUploadedFile("Facture.PDF", PDF)) == "pdf"
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
    assert verifier_fichier(SimpleUploadedFile("photo.jpeg", jpeg)) == "jpg"


def test_nom_sur_pour_l_en_tete():
    assert nom_sur('../a"b;c é.pdf') == "a_b_c_e.pdf"
    assert nom_sur("...") == "fichier"
