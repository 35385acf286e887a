"""Chaque page du menu des parents en au plus 10 requêtes SQL, quelle que soit la famille.

La commune de la démo ; une petite famille (DUPONT : 1 enfant, 3 factures, quelques
demandes), une grosse (8 enfants inscrits à toutes les activités et réservés tout le mois,
36 factures, 40 demandes, 60 messages, 20 pièces, un enfant accueilli en garde alternée)
et BERNARD, le second foyer d'Hugo. Une requête par ligne (N+1) dépasserait 10 sur la grosse
famille.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench.familles_banc import creer
from familles.models import Famille, PersonneAutorisee
from tests.factories import EnfantFactory, compte_de

MAX_REQUETES = 10
# Plus bas pour les pages allégées (docs/performance.md) : une requête de plus s'y voit. À
# l'accueil, une famille avec un mandat de prélèvement actif en fait une de plus (9).
PLAFONDS = {"portail:accueil": 8, "reservations:planning": 8}

PAGES = [
    "portail:accueil",
    "familles:renseignements",
    "familles:mon_compte",
    "familles:mes_enfants",
    "reservations:index",
    "reservations:planning",
    "facturation:factures",
    "facturation:reglements",
    "facturation:releve",
    "pieces:liste",
    "demandes:historique",
    "demandes:messages",
    "portail:infos",
]


@pytest.fixture
def familles(db):
    call_command("demo", stdout=StringIO())
    petite = Famille.objects.get(numero="1001")
    [grosse] = creer(1, enfants=8, factures=36, demandes=40, messages=60, pieces=20)
    # Garde alternée : la grosse famille accueille aussi un enfant de MARTIN, avec ses
    # personnes autorisées à elle ; BERNARD (1003) est le second foyer d'Hugo dans la démo.
    martin = Famille.objects.get(numero="1002")
    nina = EnfantFactory(famille=martin, prenom="Nina", second_foyer=grosse)
    for foyer in (martin, grosse):
        PersonneAutorisee.objects.create(
            enfant=nina, famille=foyer, nom="VOISIN", prenom="Alix", telephone="0611223344"
        )
    bernard = Famille.objects.get(numero="1003")
    return {"petite": petite, "grosse": grosse, "second foyer": bernard}


def _adresse(client, nom: str) -> str:
    """L'adresse de la page (le planning redirige vers le premier enfant, mois en cours)."""
    adresse = reverse(nom)
    reponse = client.get(adresse)
    if reponse.status_code == 302:
        adresse = reponse.url
    return adresse


@pytest.mark.parametrize("nom", PAGES)
def test_page_du_menu_en_requetes_bornees(client, familles, nom, django_assert_max_num_queries):
    nombres = {}
    for taille, famille in familles.items():
        client.force_login(compte_de(famille))
        adresse = _adresse(client, nom)
        assert client.get(adresse).status_code == 200  # caches de la commune remplis
        with django_assert_max_num_queries(PLAFONDS.get(nom, MAX_REQUETES)) as requetes:
            reponse = client.get(adresse)
        assert reponse.status_code == 200, f"{taille} : {adresse}"
        nombres[taille] = len(requetes.captured_queries)
    # Le nombre ne dépend pas de la taille de la famille (à une requête près : une pièce
    # exigée de chaque enfant, un bloc de l'accueil qui n'a rien à montrer).
    assert nombres["grosse"] <= nombres["petite"] + 1, nombres


def test_la_grosse_famille_est_grosse(familles):
    grosse = familles["grosse"]
    assert grosse.enfants.count() == 8
    assert grosse.factures.count() == 36
    assert grosse.demandes.count() == 40
    assert grosse.messages.count() == 60
    assert grosse.enfants.first().reservations.count() >= 15


def test_une_autre_famille_ne_voit_pas_le_planning_de_la_grosse(client, familles):
    client.force_login(compte_de(familles["grosse"]))
    adresse = _adresse(client, "reservations:planning")
    client.force_login(compte_de(familles["petite"]))
    assert client.get(adresse).status_code == 404
