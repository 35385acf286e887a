"""Le calcul des pièces manquantes, dans le temps (expiration, nouvelle inscription)."""

from datetime import date

import time_machine

from pieces.models import Piece, Portee, StatutPiece, Validite
from pieces.selectors import nombre_pieces_manquantes, pieces_a_fournir
from pieces.services import ajouter_mois, date_de_fin, piece_valider
from portail.noyau.annee_scolaire import annee_preparee
from tests.factories import EnfantFactory

from .factories import ActiviteFactory, InscriptionFactory, TypePieceFactory


def _piece(famille, type_piece, *, enfant=None, statut=StatutPiece.VALIDEE, jusqu_au=None):
    return Piece.objects.create(
        famille=famille,
        enfant=enfant,
        type=type_piece,
        fichier="pieces/test.pdf",
        nom_fichier="test.pdf",
        statut=statut,
        valide_jusqu_au=jusqu_au,
    )


def _libelles(famille, le=None):
    return [p.libelle for p in pieces_a_fournir(famille, le) if not p.en_attente]


def test_sans_inscription_aucune_piece_liee_a_une_activite_n_est_exigee(famille, types_cantine):
    assert _libelles(famille) == []


def test_une_inscription_a_la_cantine_rend_les_deux_pieces_exigibles(
    famille, types_cantine, lise_a_la_cantine
):
    assert _libelles(famille) == ["Justificatif de domicile", "Avis d'imposition"]
    assert nombre_pieces_manquantes(famille) == 2


def test_une_nouvelle_inscription_ajoute_les_pieces_de_l_activite(famille, types_cantine):
    garderie = ActiviteFactory(nom="GARDERIE")
    attestation = TypePieceFactory(nom="Attestation employeur")
    attestation.activites.add(garderie)
    lise = famille.enfants.get()
    InscriptionFactory(enfant=lise, activite=garderie)
    assert _libelles(famille) == ["Attestation employeur"]
    InscriptionFactory(enfant=lise, activite=types_cantine[0].activites.get())
    assert len(_libelles(famille)) == 3


def test_une_inscription_terminee_n_exige_plus_rien(famille, types_cantine, lise):
    InscriptionFactory(
        enfant=lise,
        activite=types_cantine[0].activites.get(),
        date_debut=date(2025, 9, 1),
        date_fin=date(2026, 6, 30),
    )
    assert len(_libelles(famille, date(2026, 6, 30))) == 2
    assert _libelles(famille, date(2026, 7, 1)) == []


def test_une_piece_validee_ne_manque_plus_jusqu_a_son_expiration(
    famille, types_cantine, lise_a_la_cantine
):
    domicile, _ = types_cantine
    _piece(famille, domicile, jusqu_au=date(2027, 8, 31))
    assert _libelles(famille, date(2027, 8, 31)) == ["Avis d'imposition"]
    # Le lendemain de la fin de validité, la pièce manque de nouveau.
    assert _libelles(famille, date(2027, 9, 1)) == ["Justificatif de domicile", "Avis d'imposition"]


def test_une_piece_en_attente_ou_refusee_ne_complete_pas_le_dossier(
    famille, types_cantine, lise_a_la_cantine
):
    domicile, impots = types_cantine
    _piece(famille, domicile, statut=StatutPiece.EN_ATTENTE)
    _piece(famille, impots, statut=StatutPiece.REFUSEE)
    a_fournir = pieces_a_fournir(famille)
    assert [(p.libelle, p.en_attente) for p in a_fournir] == [
        ("Justificatif de domicile", True),
        ("Avis d'imposition", False),
    ]
    assert nombre_pieces_manquantes(famille) == 1


def test_une_piece_par_enfant_est_exigee_pour_chaque_enfant_inscrit(famille, cantine, lise):
    certificat = TypePieceFactory(nom="Certificat de vaccination", portee=Portee.ENFANT)
    certificat.activites.add(cantine)
    paul = EnfantFactory(famille=famille, prenom="Paul", date_naissance=date(2020, 1, 1))
    InscriptionFactory(enfant=lise, activite=cantine)
    assert _libelles(famille) == ["Certificat de vaccination (Lise)"]
    InscriptionFactory(enfant=paul, activite=cantine)
    assert _libelles(famille) == [
        "Certificat de vaccination (Lise)",
        "Certificat de vaccination (Paul)",
    ]
    _piece(famille, certificat, enfant=lise)
    assert _libelles(famille) == ["Certificat de vaccination (Paul)"]


def test_une_piece_sans_activite_est_toujours_exigee(famille, autre_famille):
    TypePieceFactory(nom="Attestation d'assurance", validite=Validite.SANS_FIN)
    assert _libelles(famille) == ["Attestation d'assurance"]
    assert _libelles(autre_famille) == ["Attestation d'assurance"]


def test_la_piece_d_une_autre_famille_ne_compte_pas(
    famille, autre_famille, types_cantine, lise_a_la_cantine
):
    domicile, _ = types_cantine
    _piece(autre_famille, domicile, jusqu_au=date(2099, 8, 31))
    assert len(_libelles(famille)) == 2


def test_calcul_en_nombre_fixe_de_requetes(
    famille, types_cantine, cantine, django_assert_max_num_queries
):
    for i in range(15):
        enfant = EnfantFactory(famille=famille, prenom=f"Enfant{i}")
        InscriptionFactory(enfant=enfant, activite=cantine)
        _piece(famille, types_cantine[0], statut=StatutPiece.REFUSEE)
    with django_assert_max_num_queries(4):
        assert len(pieces_a_fournir(famille)) == 2


def test_le_nombre_de_l_accueil_suit_la_liste_de_la_page_pieces(famille, cantine, lise):
    """L'accueil compte sans charger les enfants : mêmes règles que la page Pièces (pièce
    exigée de tous les enfants, enfant inactif, pièce en attente, pièce du foyer)."""
    vaccinations = TypePieceFactory(nom="Vaccinations", portee=Portee.ENFANT)
    domicile = TypePieceFactory(nom="Justificatif de domicile")
    domicile.activites.add(cantine)
    paul = EnfantFactory(famille=famille, prenom="Paul", date_naissance=date(2020, 1, 1))
    EnfantFactory(famille=famille, prenom="Ancien", actif=False)
    InscriptionFactory(enfant=lise, activite=cantine)
    _piece(famille, domicile, statut=StatutPiece.EN_ATTENTE)
    _piece(famille, TypePieceFactory(nom="Autre"), statut=StatutPiece.VALIDEE)
    manquantes = [p.libelle for p in pieces_a_fournir(famille) if not p.en_attente]
    assert sorted(manquantes) == ["Vaccinations (Lise)", "Vaccinations (Paul)"]
    assert nombre_pieces_manquantes(famille) == len(manquantes)
    _piece(famille, vaccinations, enfant=paul)
    assert nombre_pieces_manquantes(famille) == 1


def test_fin_d_annee_scolaire_et_mois():
    assert annee_preparee(date(2026, 11, 25)).fin == date(2027, 8, 31)
    assert annee_preparee(date(2027, 3, 1)).fin == date(2027, 8, 31)
    # Dès juillet, on prépare la rentrée suivante.
    assert annee_preparee(date(2027, 7, 2)).fin == date(2028, 8, 31)
    assert ajouter_mois(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert ajouter_mois(date(2026, 11, 15), 3) == date(2027, 2, 15)


@time_machine.travel(date(2026, 11, 25))
def test_valider_fixe_la_date_de_fin_selon_le_type(famille, db):
    annee = TypePieceFactory(nom="A", validite=Validite.ANNEE_SCOLAIRE)
    six_mois = TypePieceFactory(nom="B", validite=Validite.MOIS, duree_mois=6)
    sans_fin = TypePieceFactory(nom="C", validite=Validite.SANS_FIN)
    resultats = {}
    for type_piece in (annee, six_mois, sans_fin):
        piece = _piece(famille, type_piece, statut=StatutPiece.EN_ATTENTE)
        piece_valider(piece=piece)
        piece.refresh_from_db()
        resultats[type_piece.nom] = (piece.statut, piece.valide_jusqu_au)
    assert resultats == {
        "A": (StatutPiece.VALIDEE, date(2027, 8, 31)),
        "B": (StatutPiece.VALIDEE, date(2027, 5, 25)),
        "C": (StatutPiece.VALIDEE, None),
    }
    assert date_de_fin(six_mois, date(2026, 8, 31)) == date(2027, 2, 28)
