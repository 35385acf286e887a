"""La frontière avec un enfant partagé (garde alternée) et un adulte dont l'accès est coupé.

Hugo (MARTIN) vit aussi chez DUPONT : l'adulte DUPONT connecté atteint, de MARTIN, seulement
ce que montrent les pages de l'enfant partagé (son planning, sa fiche et sa fiche PDF) ;
toute autre ligne de MARTIN (adultes, demandes, messages, réservations faites par MARTIN,
factures, règlements, mandats, pièces, transactions) lui répond 404, en GET et en POST, sans
rien changer. Le détail de la fiche partagée : test_garde_alternee_fiche.py.
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande, Message
from familles.services import acces_adulte_regler
from tests.factories import compte_de

from . import objets
from .test_frontiere import DONNEES_POST, URLS_DE_FAMILLE, URLS_DE_LIGNE

# Les seules pages d'une ligne de l'autre foyer qu'un foyer de l'enfant partagé atteint :
# son planning, sa fiche (identité, santé, personnes autorisées du foyer) et sa fiche PDF.
PAGES_DE_L_ENFANT_PARTAGE = {
    "reservations:planning_mois",
    "familles:modifier_enfant",
    "familles:modifier_sanitaire",
    "familles:modifier_autorisations",
    "pieces:fiche_inscription",
}


def texte_de(reponse) -> str:
    """Le texte d'une page, ou d'un PDF relu avec pypdf."""
    if reponse["Content-Type"] == "application/pdf":
        lecteur = PdfReader(io.BytesIO(reponse.content))
        return "\n".join(page.extract_text() for page in lecteur.pages)
    return reponse.content.decode()


@pytest.fixture
def hugo_partage(famille, autre_famille):
    # Une adresse propre à MARTIN : elle ne doit jamais paraître chez DUPONT.
    autre_famille.adresse = "12 rue des Lilas"
    autre_famille.save(update_fields=["adresse"])
    hugo = objets.enfant(autre_famille)
    hugo.second_foyer = famille
    hugo.save(update_fields=["second_foyer"])
    return hugo


@pytest.mark.parametrize("cas", URLS_DE_LIGNE, ids=str)
def test_de_l_autre_foyer_seules_les_pages_de_l_enfant_partage_repondent(
    cas, client_parent, autre_famille, hugo_partage
):
    url = cas.url(autre_famille)
    demandes_avant = Demande.objects.count()
    messages_avant = list(Message.objects.values_list("pk", "supprime_le", "lu_le"))
    reponse = (
        client_parent.post(url, DONNEES_POST) if cas.post_seulement else client_parent.get(url)
    )
    if cas.nom in PAGES_DE_L_ENFANT_PARTAGE:
        assert reponse.status_code == 200
        texte = texte_de(reponse)
        assert "Claire" not in texte and autre_famille.adresse not in texte
    else:
        assert reponse.status_code == 404
    assert Demande.objects.count() == demandes_avant
    assert list(Message.objects.values_list("pk", "supprime_le", "lu_le")) == messages_avant


@pytest.mark.parametrize("nom", URLS_DE_FAMILLE)
def test_un_adulte_dont_l_acces_est_coupe_n_atteint_plus_rien(nom, client_parent, famille):
    adulte = famille.responsables.get(compte=compte_de(famille))
    acces_adulte_regler(responsable=adulte, actif=False)
    reponse = client_parent.get(reverse(nom))
    assert reponse.status_code in (302, 404)
    if reponse.status_code == 302:
        assert reponse["Location"].startswith(reverse("account_login"))
