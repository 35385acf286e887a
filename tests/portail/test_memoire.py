"""Les lectures communes à toutes les familles gardées quelques secondes par processus."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portail.noyau.memoire import en_memoire, vider_memoire
from portail.noyau.models import Actualite
from tests.pieces.factories import TypePieceFactory


@pytest.fixture
def memoire_active(settings):
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 10
    vider_memoire()
    yield
    vider_memoire()


def test_sans_duree_chaque_appel_recalcule(settings):
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 0
    appels = []
    for _ in range(3):
        en_memoire("cle", lambda: appels.append(1))
    assert len(appels) == 3


def test_avec_duree_un_seul_calcul_par_cle_jusqu_a_expiration(memoire_active, settings):
    appels: list[str] = []

    def calcul(nom):
        appels.append(nom)
        return nom.upper()

    assert en_memoire("a", lambda: calcul("a")) == "A"
    assert en_memoire("a", lambda: calcul("a")) == "A"
    assert en_memoire("b", lambda: calcul("b")) == "B"
    assert appels == ["a", "b"]
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 0.000001  # expirée aussitôt
    assert en_memoire("a", lambda: calcul("a")) == "A"
    assert appels == ["a", "b", "a"]


def _tables_lues(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    lues = []
    for requete in requetes:
        for table in ("portail_actualite", "pieces_typepiece", "pieces_typepiece_activites"):
            if f'"{table}"' in requete["sql"]:
                lues.append(table)
    return lues


def test_accueil_relit_moins_la_base_quand_la_memoire_est_active(
    client_parent, famille, memoire_active, settings
):
    Actualite.objects.create(titre="Fête des écoles", affichee_du=timezone.localdate())
    TypePieceFactory(nom="Justificatif de domicile")
    url = reverse("portail:accueil")
    client_parent.get(url)
    # Actualités, types de pièces et leurs activités : lus une fois par processus.
    assert _tables_lues(client_parent, url) == []
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 0
    assert sorted(_tables_lues(client_parent, url)) == [
        "pieces_typepiece",
        "pieces_typepiece_activites",
        "portail_actualite",
    ]
    page = client_parent.get(url).content.decode()
    assert "Fête des écoles" in page


def test_une_actualite_ajoutee_apparait_apres_le_delai(client_parent, memoire_active, settings):
    url = reverse("portail:accueil")
    client_parent.get(url)
    Actualite.objects.create(titre="Nouvelle cantine", affichee_du=timezone.localdate())
    assert "Nouvelle cantine" not in client_parent.get(url).content.decode()
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 0.000001
    assert "Nouvelle cantine" in client_parent.get(url).content.decode()


def test_les_adresses_du_menu_sont_celles_de_reverse(client_parent):
    from portail.noyau.registre import entrees_menu

    assert entrees_menu()
    page = client_parent.get(reverse("portail:accueil")).content.decode()
    for entree in entrees_menu():
        assert entree.url == reverse(entree.url_name)
        assert f'href="{reverse(entree.url_name)}"' in page
