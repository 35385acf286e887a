"""« Transmettre une pièce » : la demande, les refus de fichiers, les fichiers privés."""

import os
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_annuler, demande_refuser
from pieces.models import Piece, Portee, StatutPiece
from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.fichiers import TAILLE_MAX
from tests.factories import EnfantFactory, compte_de

from .conftest import pdf_valide, png_valide
from .factories import TypePieceFactory

URL = reverse("pieces:transmettre")


def _fichiers_stockes(settings) -> list[str]:
    racine = Path(settings.MEDIA_ROOT)
    return [str(p) for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def _envoyer(client, fichier, type_piece, **autres):
    return client.post(URL, {"type": type_piece.pk, "fichier": fichier, **autres})


def test_transmettre_cree_la_piece_et_la_demande(
    client_parent, famille, types_cantine, lise_a_la_cantine, settings
):
    domicile, _ = types_cantine
    reponse = _envoyer(client_parent, pdf_valide(), domicile, commentaire="Facture EDF")
    assert reponse.status_code == 302
    piece = Piece.objects.get()
    assert (piece.famille, piece.type, piece.statut) == (famille, domicile, StatutPiece.EN_ATTENTE)
    assert piece.nom_fichier == "justificatif.pdf"
    assert piece.fichier.name.startswith("pieces/")
    assert piece.fichier.name.endswith("_justificatif.pdf")
    demande = piece.demande
    assert demande.type == "piece"
    assert demande.resume == "Pièce transmise : Justificatif de domicile"
    assert demande.commentaire == "Facture EDF"
    assert demande.cible == piece
    assert len(_fichiers_stockes(settings)) == 1
    page = client_parent.get(reverse("pieces:liste")).content.decode()
    assert "Il reste 1 pièce à fournir pour compléter le dossier" in page
    assert "En attente de validation" in page


def test_une_image_png_est_acceptee(client_parent, types_cantine):
    assert _envoyer(client_parent, png_valide(), types_cantine[0]).status_code == 302
    assert Piece.objects.get().nom_fichier == "photo.png"


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("facture.pdf", EXECUTABLE, "Ce fichier est un programme"),
        ("photo.png", ELF, "Ce fichier est un programme"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "pages web"),
        (
            "image.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "images SVG",
        ),
        ("vide.pdf", b"", "Le fichier est vide"),
        ("texte.pdf", b"Bonjour, ceci n'est pas un PDF", "ne correspond pas"),
        ("script.exe", b"%PDF-1.4\n%%EOF", "Seuls les fichiers pdf, jpg, jpeg ou png"),
        ("sans-extension", b"%PDF-1.4\n%%EOF", "Seuls les fichiers pdf, jpg, jpeg ou png"),
        ("image.jpg", b"%PDF-1.4\n%%EOF", "ne correspond pas"),
    ],
)
def test_fichier_refuse_avec_un_message_et_rien_n_est_stocke(
    client_parent, types_cantine, settings, nom, contenu, message
):
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/pdf")
    reponse = _envoyer(client_parent, fichier, types_cantine[0])
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert Piece.objects.count() == 0
    assert Demande.objects.count() == 0
    assert _fichiers_stockes(settings) == []


def test_fichier_de_plus_de_5_mo_abandonne_pendant_l_envoi(client_parent, types_cantine, settings):
    reponse = _envoyer(client_parent, pdf_valide(taille=TAILLE_MAX + 1), types_cantine[0])
    assert reponse.status_code == 200
    assert "Le fichier dépasse 5 Mo" in reponse.content.decode()
    assert Piece.objects.count() == 0
    assert _fichiers_stockes(settings) == []


def test_fichier_de_5_mo_exactement_accepte(client_parent, types_cantine):
    reponse = _envoyer(client_parent, pdf_valide(taille=TAILLE_MAX), types_cantine[0])
    assert reponse.status_code == 302
    assert Piece.objects.get().fichier.size == TAILLE_MAX


def test_un_nom_avec_un_chemin_ne_sort_pas_du_stockage(client_parent, types_cantine, settings):
    reponse = _envoyer(client_parent, pdf_valide("../../../etc/passwd.pdf"), types_cantine[0])
    assert reponse.status_code == 302
    piece = Piece.objects.get()
    assert ".." not in piece.fichier.name and "/etc/" not in piece.fichier.name
    (stocke,) = _fichiers_stockes(settings)
    assert os.path.realpath(stocke).startswith(os.path.realpath(settings.MEDIA_ROOT))


def test_sans_fichier_message_clair(client_parent, types_cantine):
    reponse = client_parent.post(URL, {"type": types_cantine[0].pk})
    assert "Choisissez le fichier à transmettre." in reponse.content.decode()
    assert Piece.objects.count() == 0


def test_post_trafique_enfant_d_une_autre_famille_refuse(
    client_parent, autre_famille, cantine, settings
):
    certificat = TypePieceFactory(nom="Certificat", portee=Portee.ENFANT)
    hugo = autre_famille.enfants.get()
    reponse = _envoyer(client_parent, pdf_valide(), certificat, enfant=hugo.pk)
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert Piece.objects.count() == 0
    assert _fichiers_stockes(settings) == []


def test_piece_par_enfant_sans_enfant_refusee(client_parent, cantine):
    certificat = TypePieceFactory(nom="Certificat", portee=Portee.ENFANT)
    reponse = _envoyer(client_parent, pdf_valide(), certificat)
    assert "Choisissez l&#x27;enfant concerné." in reponse.content.decode()
    assert Piece.objects.count() == 0


def test_type_de_piece_inactif_refuse(client_parent, db):
    ancien = TypePieceFactory(nom="Ancienne pièce", actif=False)
    reponse = _envoyer(client_parent, pdf_valide(), ancien)
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert Piece.objects.count() == 0


# --- Traitement par un agent --------------------------------------------------------------


@time_machine.travel(date(2026, 11, 25))
def test_validation_par_l_agent_fixe_la_date_de_fin_et_la_famille_le_voit(
    client_parent,
    famille,
    types_cantine,
    lise_a_la_cantine,
    agent,
    django_capture_on_commit_callbacks,
):
    _envoyer(client_parent, pdf_valide(), types_cantine[0])
    piece = Piece.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(demande=piece.demande, agent=agent)
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.VALIDEE
    assert piece.valide_jusqu_au == date(2027, 8, 31)
    assert demande.reponse == "Pièce validée, valable jusqu'au 31/08/2027."
    page = client_parent.get(reverse("pieces:liste")).content.decode()
    assert "Validée</span>, valable jusqu'au 31/08/2027" in page
    assert "Il reste 1 pièce à fournir" in page
    # La famille est prévenue par l'e-mail « demande traitée » du socle.
    assert mail.outbox[-1].to == [famille.email]
    assert "31/08/2027" in mail.outbox[-1].body


def test_refus_par_l_agent_avec_motif_visible_par_la_famille(
    client_parent, types_cantine, lise_a_la_cantine, agent
):
    _envoyer(client_parent, pdf_valide(), types_cantine[0])
    piece = Piece.objects.get()
    demande_refuser(demande=piece.demande, agent=agent, motif="Document illisible.")
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.REFUSEE
    page = client_parent.get(reverse("pieces:liste")).content.decode()
    assert "Refusée" in page and "Document illisible." in page
    assert "Il reste 2 pièces à fournir" in page


def test_refus_automatique_sans_agent_la_piece_est_refusee(
    client_parent, types_cantine, lise_a_la_cantine
):
    """Une règle automatique refuse sans agent : la pièce est refusée, pas annulée."""
    _envoyer(client_parent, pdf_valide(), types_cantine[0])
    piece = Piece.objects.get()
    demande_refuser(demande=piece.demande, agent=None, motif="Type non accepté.", automatique=True)
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.REFUSEE
    assert piece.demande.statut == StatutDemande.REFUSEE


def test_la_famille_annule_sa_demande_la_piece_est_annulee(client_parent, famille, types_cantine):
    _envoyer(client_parent, pdf_valide(), types_cantine[0])
    piece = Piece.objects.get()
    demande_annuler(demande=piece.demande, famille=famille)
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.ANNULEE
    assert piece.demande.statut == StatutDemande.ANNULEE


def test_une_piece_deja_validee_ne_se_valide_pas_deux_fois(client_parent, types_cantine, agent):
    from django.core.exceptions import ValidationError

    _envoyer(client_parent, pdf_valide(), types_cantine[0])
    piece = Piece.objects.get()
    demande_accepter(demande=piece.demande, agent=agent)
    with pytest.raises(ValidationError):
        demande_accepter(demande=piece.demande, agent=agent)


def test_l_agent_valide_depuis_l_admin_des_pieces(client_agent, famille, types_cantine):
    from pieces.services import piece_transmettre

    piece = piece_transmettre(famille=famille, type_piece=types_cantine[0], fichier=pdf_valide())
    page = client_agent.get(reverse("admin:pieces_piece_change", args=[piece.pk]))
    assert reverse("pieces:fichier_agent", args=[piece.pk]) in page.content.decode()
    reponse = client_agent.post(
        reverse("admin:pieces_piece_changelist"),
        {"action": "valider", "_selected_action": [piece.pk]},
    )
    assert reponse.status_code == 302
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.VALIDEE
    assert piece.demande.statut == StatutDemande.ACCEPTEE


def test_l_agent_refuse_depuis_l_admin_avec_un_motif(client_agent, famille, types_cantine):
    from pieces.services import piece_transmettre

    piece = piece_transmettre(famille=famille, type_piece=types_cantine[0], fichier=pdf_valide())
    url = reverse("admin:pieces_piece_changelist")
    donnees = {"action": "refuser", "_selected_action": [piece.pk], "confirmer": "1"}
    sans_motif = client_agent.post(url, {**donnees, "reponse": "  "})
    assert "Indiquez le motif du refus" in sans_motif.content.decode()
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.EN_ATTENTE
    client_agent.post(url, {**donnees, "reponse": "Justificatif de plus de 3 mois."})
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.REFUSEE
    assert piece.motif_refus == "Justificatif de plus de 3 mois."


# --- Fichiers privés --------------------------------------------------------------------


@pytest.fixture
def piece_de_dupont(famille, types_cantine):
    from pieces.services import piece_transmettre

    return piece_transmettre(famille=famille, type_piece=types_cantine[0], fichier=pdf_valide())


def test_la_famille_telecharge_sa_piece_avec_un_nom_sur(client_parent, piece_de_dupont):
    reponse = client_parent.get(reverse("pieces:fichier", args=[piece_de_dupont.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="justificatif.pdf"'
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


def test_une_autre_famille_et_un_anonyme_recoivent_404(client, piece_de_dupont, autre_famille):
    url = reverse("pieces:fichier", args=[piece_de_dupont.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("pieces:fichier_agent", args=[piece_de_dupont.pk])).status_code == 404
    client.force_login(compte_de(autre_famille))
    assert client.get(url).status_code == 404
    assert client.get(reverse("pieces:fichier_agent", args=[piece_de_dupont.pk])).status_code == 404


def test_l_agent_ouvre_le_fichier_par_la_vue_reservee(client_agent, piece_de_dupont):
    url = reverse("pieces:fichier_agent", args=[piece_de_dupont.pk])
    assert client_agent.get(url).status_code == 200


def test_le_groupe_agent_ouvre_les_pieces_un_personnel_sans_droit_recoit_404(
    client, agent, piece_de_dupont
):
    from tests.factories import UserFactory

    url = reverse("pieces:fichier_agent", args=[piece_de_dupont.pk])
    client.force_login(agent)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="stagiaire", is_staff=True))
    assert client.get(url).status_code == 404


def test_aucun_fichier_n_est_servi_par_media_url(client_parent, piece_de_dupont, settings):
    url = settings.MEDIA_URL + piece_de_dupont.fichier.name
    assert client_parent.get(url).status_code == 404


# --- Page et interrupteur -----------------------------------------------------------------


def test_page_pieces_coupee_par_l_interrupteur(client_parent, configuration):
    configuration.pieces_actives = False
    configuration.save()
    vider_cache_configuration()
    assert client_parent.get(reverse("pieces:liste")).status_code == 404
    assert client_parent.get(URL).status_code == 404
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert reverse("pieces:liste") not in accueil


def test_page_pieces_et_accueil(client_parent, types_cantine, lise_a_la_cantine):
    page = client_parent.get(reverse("pieces:liste")).content.decode()
    assert "Il reste 2 pièces à fournir pour compléter le dossier" in page
    assert "Justificatif de domicile" in page and "Avis d&#x27;imposition" in page
    assert "Transmettre une pièce" in page
    assert "Formats acceptés : pdf, jpg, jpeg ou png (5 Mo max)." in page
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "Il reste <strong>2 pièces</strong> à fournir" in accueil


@pytest.mark.parametrize("taille", [1, 12])
def test_page_pieces_en_nombre_fixe_de_requetes(
    client_parent, famille, types_cantine, cantine, taille, django_assert_max_num_queries
):
    from pieces.models import DocumentTelechargeable

    from .factories import InscriptionFactory

    for i in range(taille):
        enfant = EnfantFactory(famille=famille, prenom=f"E{i}")
        InscriptionFactory(enfant=enfant, activite=cantine)
        Piece.objects.create(
            famille=famille,
            enfant=enfant,
            type=types_cantine[1],
            fichier="pieces/x.pdf",
            nom_fichier="x.pdf",
            statut=StatutPiece.VALIDEE,
            valide_jusqu_au=date(2099, 1, 1),
        )
        DocumentTelechargeable.objects.create(titre=f"Formulaire {i}", fichier="documents/f.pdf")
    client_parent.get(reverse("pieces:liste"))  # cache de la configuration
    with django_assert_max_num_queries(11):
        assert client_parent.get(reverse("pieces:liste")).status_code == 200


def test_le_fichier_trop_gros_est_abandonne_par_le_gestionnaire_d_envoi(
    client_parent, types_cantine
):
    reponse = _envoyer(client_parent, pdf_valide(taille=TAILLE_MAX + 10), types_cantine[0])
    # Le gestionnaire a coupé la lecture : le fichier n'est jamais arrivé dans request.FILES.
    assert reponse.wsgi_request.fichiers_trop_gros == {"fichier"}
    assert "fichier" not in reponse.wsgi_request.FILES


def test_l_envoi_reste_protege_contre_le_csrf(famille, types_cantine):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(compte_de(famille))
    assert _envoyer(client, pdf_valide(), types_cantine[0]).status_code == 403
    assert Piece.objects.count() == 0


def test_un_double_envoi_ne_cree_qu_une_demande(client_parent, types_cantine):
    assert _envoyer(client_parent, pdf_valide(), types_cantine[0]).status_code == 302
    deuxieme = _envoyer(client_parent, pdf_valide(), types_cantine[0])
    assert "Cette pièce vient déjà d&#x27;être transmise" in deuxieme.content.decode()
    assert Piece.objects.count() == 1 and Demande.objects.count() == 1
