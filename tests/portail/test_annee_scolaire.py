"""La seule définition de l'année scolaire : juillet et août, rentrée et inscriptions."""

from datetime import date

import pytest

from portail.noyau.annee_scolaire import AnneeScolaire, annee_preparee, annee_scolaire


@pytest.mark.parametrize(
    ("jour", "rentree"),
    [
        (date(2026, 9, 1), 2026),  # jour de la rentrée
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 6, 30), 2026),
        (date(2027, 7, 1), 2026),  # juillet : encore l'année qui se termine
        (date(2027, 7, 14), 2026),
        (date(2027, 8, 31), 2026),  # août aussi
        (date(2027, 9, 1), 2027),
    ],
)
def test_annee_scolaire_du_1er_septembre_au_31_aout(jour, rentree):
    annee = annee_scolaire(jour)
    assert annee == AnneeScolaire(rentree)
    assert annee.debut <= jour <= annee.fin


def test_bornes_et_libelle():
    annee = AnneeScolaire(2026)
    assert (annee.debut, annee.fin) == (date(2026, 9, 1), date(2027, 8, 31))
    assert annee.libelle == str(annee) == "2026-2027"
    assert annee.suivante() == AnneeScolaire(2027)


@pytest.mark.parametrize(
    ("jour", "libelle"),
    [
        (date(2027, 6, 30), "2026-2027"),
        (date(2027, 7, 1), "2027-2028"),  # dès juillet, on prépare la rentrée
        (date(2027, 8, 31), "2027-2028"),
        (date(2027, 9, 1), "2027-2028"),
        (date(2027, 11, 25), "2027-2028"),
    ],
)
def test_les_inscriptions_preparent_la_rentree_des_juillet(jour, libelle):
    assert annee_preparee(jour).libelle == libelle


def test_releve_et_pieces_lisent_la_meme_definition(famille):
    """Le relevé de compte d'août montre l'année écoulée ; une pièce « année scolaire »
    reçue en août vaut jusqu'à la fin de l'année qui commence."""
    from facturation.selectors import annees_du_releve
    from pieces.models import TypePiece, Validite
    from pieces.services import date_de_fin

    aout = date(2027, 8, 20)
    assert annees_du_releve(famille, aout) == [2026]
    assert annees_du_releve(famille, date(2027, 9, 1)) == [2027]
    type_piece = TypePiece(nom="Attestation", validite=Validite.ANNEE_SCOLAIRE)
    assert date_de_fin(type_piece, aout) == date(2028, 8, 31)
    assert date_de_fin(type_piece, date(2027, 6, 30)) == date(2027, 8, 31)
