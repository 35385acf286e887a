"""Un double clic qui arrive en même temps : une seule pièce, un seul message.

Vraies transactions PostgreSQL dans deux fils : le verrou sur la famille fait attendre le
second envoi, qui voit le premier.
"""

import pytest

from demandes.models import Demande, Direction, Message
from demandes.services import message_envoyer
from pieces.models import Piece
from pieces.services import piece_transmettre
from tests.concurrence import en_parallele

from .conftest import pdf_valide


@pytest.mark.django_db(transaction=True)
def test_deux_envois_simultanes_de_la_meme_piece(famille, types_cantine):
    domicile = types_cantine[0]
    resultats = en_parallele(
        lambda: piece_transmettre(famille=famille, type_piece=domicile, fichier=pdf_valide()),
        lambda: piece_transmettre(famille=famille, type_piece=domicile, fichier=pdf_valide()),
    )
    assert sorted(resultats) == [
        "Cette pièce vient déjà d'être transmise : elle attend la validation de la mairie.",
        "fait",
    ]
    assert Piece.objects.count() == 1 and Demande.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_deux_envois_simultanes_du_meme_message(famille):
    def envoyer():
        return message_envoyer(
            direction=Direction.FAMILLE_VERS_MAIRIE,
            famille=famille,
            sujet="Question",
            texte="Bonjour",
        )

    resultats = en_parallele(envoyer, envoyer)
    assert sorted(resultats) == ["Ce message vient déjà d'être envoyé.", "fait"]
    assert Message.objects.count() == 1
