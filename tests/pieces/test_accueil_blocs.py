"""Les blocs d'accueil (pièces, messages, infos) : même nombre de requêtes pour une petite
et une grande famille."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demandes.models import Direction, Message
from pieces.models import Piece, StatutPiece
from portail.noyau.models import Actualite
from tests.factories import EnfantFactory

from .factories import InscriptionFactory


def _requetes_accueil(client) -> int:
    client.get(reverse("portail:accueil"))  # configuration en cache
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("portail:accueil")).status_code == 200
    return len(requetes)


def test_accueil_en_nombre_fixe_de_requetes(client_parent, famille, types_cantine, cantine):
    Actualite.objects.create(titre="Info", affichee_du=date(2020, 1, 1))
    InscriptionFactory(enfant=famille.enfants.get(), activite=cantine)
    petite = _requetes_accueil(client_parent)
    for i in range(20):
        enfant = EnfantFactory(famille=famille, prenom=f"E{i}")
        InscriptionFactory(enfant=enfant, activite=cantine)
        Piece.objects.create(
            famille=famille,
            type=types_cantine[0],
            fichier="pieces/x.pdf",
            nom_fichier="x.pdf",
            statut=StatutPiece.REFUSEE,
        )
        Message.objects.create(
            famille=famille, direction=Direction.MAIRIE_VERS_FAMILLE, sujet="S", texte="T"
        )
        Actualite.objects.create(titre=f"Info {i}", affichee_du=date(2020, 1, 1))
    grande = _requetes_accueil(client_parent)
    assert grande == petite
    assert petite <= 12
