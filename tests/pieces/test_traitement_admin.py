"""La pièce traitée dans l'admin des demandes (h2b) et lue dans l'Historique de la famille."""

from datetime import date

import time_machine
from django.urls import reverse

from demandes.models import Demande, StatutDemande
from pieces.models import StatutPiece
from pieces.services import piece_transmettre
from tests.factories import compte_de

from .conftest import pdf_valide

LISTE = reverse("admin:demandes_demande_changelist")


def _piece(famille, type_piece):
    return piece_transmettre(
        famille=famille, type_piece=type_piece, fichier=pdf_valide(), auteur=compte_de(famille)
    )


def test_la_demande_mene_a_la_piece_et_a_son_fichier(client_agent, famille, types_cantine):
    piece = _piece(famille, types_cantine[0])
    page = client_agent.get(reverse("admin:demandes_demande_change", args=[piece.demande.pk]))
    contenu = page.content.decode()
    assert reverse("admin:pieces_piece_change", args=[piece.pk]) in contenu
    assert reverse("pieces:fichier_agent", args=[piece.pk]) in contenu
    fiche = client_agent.get(reverse("admin:pieces_piece_change", args=[piece.pk]))
    assert reverse("pieces:fichier_agent", args=[piece.pk]) in fiche.content.decode()


@time_machine.travel(date(2026, 11, 25))
def test_acceptee_dans_l_admin_des_demandes_la_famille_le_lit(
    client, client_agent, famille, types_cantine
):
    piece = _piece(famille, types_cantine[0])
    client_agent.post(
        LISTE,
        {
            "action": "accepter",
            "_selected_action": [piece.demande.pk],
            "confirmer": "Confirmer",
            "reponse": "",
        },
    )
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.VALIDEE
    assert piece.valide_jusqu_au == date(2027, 8, 31)
    client.force_login(compte_de(famille))
    historique = client.get(reverse("demandes:historique")).content.decode()
    assert "Pièce transmise : Justificatif de domicile" in historique
    assert "Pièce validée, valable jusqu&#x27;au 31/08/2027." in historique


def test_refusee_dans_l_admin_des_demandes_avec_le_motif(
    client, client_agent, famille, types_cantine
):
    piece = _piece(famille, types_cantine[0])
    client_agent.post(
        LISTE,
        {
            "action": "refuser",
            "_selected_action": [piece.demande.pk],
            "confirmer": "Confirmer",
            "reponse": "Le document a plus de trois mois.",
        },
    )
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.REFUSEE
    assert Demande.objects.get().statut == StatutDemande.REFUSEE
    client.force_login(compte_de(famille))
    for url in (reverse("demandes:historique"), reverse("pieces:liste")):
        assert "Le document a plus de trois mois." in client.get(url).content.decode()


def test_la_famille_supprime_sa_demande_depuis_l_historique(client, famille, types_cantine):
    piece = _piece(famille, types_cantine[0])
    client.force_login(compte_de(famille))
    assert "justificatif.pdf" in client.get(reverse("pieces:liste")).content.decode()
    client.post(reverse("demandes:supprimer", args=[piece.demande.pk]))
    piece.refresh_from_db()
    assert piece.statut == StatutPiece.ANNULEE
    assert "justificatif.pdf" not in client.get(reverse("pieces:liste")).content.decode()
