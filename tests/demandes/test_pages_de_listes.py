"""L'historique et la boîte de réception paginés : deux lectures (les clés de toute la liste,
puis les lignes de la page), les pages et les filtres comme avec ``Paginator`` sur un
queryset, en un nombre de requêtes qui ne dépend ni de la page ni de l'historique."""

import html
import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande, Direction, Message, StatutDemande
from demandes.selectors import (
    _demandes_par_identifiant,
    _messages_par_identifiant,
    boite_de_famille,
    compteurs_accueil,
    historique_de_famille,
)

from .factories import demande_famille
from .factories_messages import MessageFactory

HISTORIQUE = reverse("demandes:historique")
BOITE = reverse("demandes:messages")


def _resumes(reponse) -> list[str]:
    return re.findall(r"<strong>(Demande n°\d+)</strong>", html.unescape(reponse.content.decode()))


@pytest.fixture
def quarante_cinq(famille, autre_famille):
    """45 demandes de la famille, n°1 la plus ancienne ; d'autres chez le voisin."""
    maintenant = timezone.now()
    for numero in range(1, 46):
        demande = demande_famille(famille, resume=f"Demande n°{numero}")
        Demande.objects.filter(pk=demande.pk).update(
            cree_le=maintenant - timedelta(hours=100 - numero)
        )
    for numero in range(3):
        demande_famille(autre_famille, resume=f"Demande n°{900 + numero}")


def test_les_pages_de_l_historique(client_parent, quarante_cinq):
    premiere = _resumes(client_parent.get(HISTORIQUE))
    assert premiere == [f"Demande n°{n}" for n in range(45, 25, -1)]
    assert _resumes(client_parent.get(HISTORIQUE, {"page": 2}))[0] == "Demande n°25"
    assert _resumes(client_parent.get(HISTORIQUE, {"page": 3})) == [
        f"Demande n°{n}" for n in range(5, 0, -1)
    ]
    # Une page hors de la liste mène à la dernière, un numéro illisible à la première.
    assert _resumes(client_parent.get(HISTORIQUE, {"page": 99}))[-1] == "Demande n°1"
    assert _resumes(client_parent.get(HISTORIQUE, {"page": "abc"})) == premiere


def test_un_filtre_s_applique_avant_la_page(famille, quarante_cinq):
    Demande.objects.filter(famille=famille, resume__in=["Demande n°3", "Demande n°44"]).update(
        statut=StatutDemande.REFUSEE, traite_le=timezone.now()
    )
    Demande.objects.filter(famille=famille, resume="Demande n°45").update(
        statut=StatutDemande.ANNULEE
    )
    page = historique_de_famille(famille, statut=StatutDemande.REFUSEE)
    assert [d.resume for d in page.object_list] == ["Demande n°44", "Demande n°3"]
    assert page.paginator.count == 2
    toutes = historique_de_famille(famille, numero=3)
    assert toutes.paginator.count == 44  # sans la demande supprimée
    assert [d.resume for d in toutes.object_list] == [f"Demande n°{n}" for n in range(4, 0, -1)]
    assert historique_de_famille(famille, type="inconnu").paginator.count == 0


def test_historique_en_deux_requetes_quelle_que_soit_la_page(
    famille, quarante_cinq, django_assert_num_queries
):
    for numero in (1, 3, 99):
        with django_assert_num_queries(2):
            page = historique_de_famille(famille, numero=numero)
            assert all(d.cree_par is None or d.cree_par.responsable for d in page.object_list)


@pytest.fixture
def vingt_cinq_messages(famille, autre_famille):
    maintenant = timezone.now()
    for numero in range(1, 26):
        message = MessageFactory(famille=famille, sujet=f"Information n°{numero}")
        Message.objects.filter(pk=message.pk).update(
            cree_le=maintenant - timedelta(hours=50 - numero)
        )
    MessageFactory(
        famille=famille, sujet="Écrit par le foyer", direction=Direction.FAMILLE_VERS_MAIRIE
    )
    MessageFactory(famille=autre_famille, sujet="Chez le voisin")


def test_les_pages_et_les_rubriques_de_la_boite(
    famille, vingt_cinq_messages, django_assert_num_queries
):
    Message.objects.filter(famille=famille, sujet="Information n°25").update(
        supprime_le=timezone.now()
    )
    Message.objects.filter(famille=famille, sujet="Information n°1").update(lu_le=timezone.now())
    with django_assert_num_queries(2):
        recus, non_lus = boite_de_famille(famille, "recus")
        assert [m.sujet for m in recus.object_list][:2] == ["Information n°24", "Information n°23"]
    assert recus.paginator.count == 24 and len(recus.object_list) == 20
    assert non_lus == 23  # ni le message lu, ni le supprimé
    # Le même compte que le bloc « messages » de l'accueil, écrit en SQL.
    assert compteurs_accueil(RequestFactory().get("/"), famille)[0] == non_lus
    seconde, _ = boite_de_famille(famille, "recus", 2)
    assert [m.sujet for m in seconde.object_list] == [f"Information n°{n}" for n in range(4, 0, -1)]
    envoyes, _ = boite_de_famille(famille, "envoyes")
    assert [m.sujet for m in envoyes.object_list] == ["Écrit par le foyer"]
    supprimes, _ = boite_de_famille(famille, "supprimes")
    assert [m.sujet for m in supprimes.object_list] == ["Information n°25"]
    # Le texte n'est pas lu avec la liste (il peut être long).
    assert "texte" in recus.object_list[0].get_deferred_fields()


def test_la_page_de_la_boite(client_parent, vingt_cinq_messages):
    texte = html.unescape(client_parent.get(BOITE, {"page": 2}).content.decode())
    assert "Information n°5" in texte and "Information n°6" not in texte
    assert "Chez le voisin" not in texte


def test_les_lignes_d_une_page_sont_lues_dans_le_foyer_seulement(famille, autre_famille):
    """Les identifiants viennent des clés du foyer ; la lecture des lignes le redit : un
    identifiant d'un autre foyer n'y donne rien."""
    chez_le_voisin = demande_famille(autre_famille, resume="Chez le voisin")
    message_du_voisin = MessageFactory(famille=autre_famille)
    assert _demandes_par_identifiant(famille_id=famille.pk, ids=[chez_le_voisin.pk]) == []
    assert _messages_par_identifiant(famille_id=famille.pk, ids=[message_du_voisin.pk]) == []
    assert _demandes_par_identifiant(famille_id=autre_famille.pk, ids=[chez_le_voisin.pk])
