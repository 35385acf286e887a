"""Les données de la commune gardées par processus jusqu'à l'enregistrement de leur modèle."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portail.noyau import memoire
from portail.noyau.configuration import configuration_courante
from portail.noyau.memoire import CLE_VERSION, en_memoire, vider_memoire
from portail.noyau.models import Actualite, Configuration
from tests.pieces.factories import TypePieceFactory
from tests.reservations.factories import ActiviteFactory


def _compter(appels: list, cle="cle", modeles=(Actualite,)):
    def calcul() -> int:
        appels.append(1)
        return len(appels)

    return en_memoire(cle, calcul, modeles=modeles)


def test_un_seul_calcul_tant_que_rien_n_est_enregistre(db):
    appels: list = []
    assert _compter(appels) == 1
    assert _compter(appels) == 1
    assert _compter(appels, cle="autre") == 2
    assert len(appels) == 2


def test_l_enregistrement_du_modele_invalide_la_copie(db):
    appels: list = []
    _compter(appels)
    actualite = Actualite.objects.create(titre="Fête", affichee_du=timezone.localdate())
    assert _compter(appels) == 2
    actualite.titre = "Fête des écoles"
    actualite.save()
    assert _compter(appels) == 3
    actualite.delete()
    assert _compter(appels) == 4


def test_un_lien_plusieurs_a_plusieurs_invalide_aussi(db):
    appels: list = []
    type_piece = TypePieceFactory(nom="Justificatif de domicile")
    _compter(appels, modeles=[type(type_piece)])
    type_piece.activites.add(ActiviteFactory())
    assert _compter(appels, modeles=[type(type_piece)]) == 2


def test_un_autre_processus_voit_le_changement_par_le_jeton_partage(db):
    """Un autre processus change le jeton du cache partagé : la copie d'ici est recalculée."""
    appels: list = []
    _compter(appels)
    cache.set(CLE_VERSION, "jeton d-un-autre-processus")
    assert _compter(appels) == 2
    assert _compter(appels) == 2


def test_le_jeton_est_lu_une_fois_par_requete(client_parent, famille):
    url = reverse("portail:accueil")
    client_parent.get(url)
    lectures = []
    vrai_get = cache.get

    def get(cle, *args, **kwargs):
        lectures.append(cle)
        return vrai_get(cle, *args, **kwargs)

    cache.get = get
    try:
        client_parent.get(url)
    finally:
        cache.get = vrai_get
    assert lectures.count(CLE_VERSION) == 1
    assert memoire._requete.jeton is None  # oublié à la fin de la requête


def test_la_configuration_modifiee_est_relue(db, configuration):
    assert configuration_courante().nom_commune == "Carnin (test)"
    configuration.nom_commune = "Haisnes"
    configuration.save()
    assert configuration_courante().nom_commune == "Haisnes"
    # Écriture en masse sans signal : vider_cache_configuration() la fait relire.
    from portail.noyau.configuration import vider_cache_configuration

    Configuration.objects.filter(pk=1).update(nom_commune="Carnin")
    vider_cache_configuration()
    assert configuration_courante().nom_commune == "Carnin"


def _tables_lues(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    lues = []
    for requete in requetes:
        for table in ("portail_actualite", "pieces_typepiece", "portail_configuration"):
            if f'"{table}"' in requete["sql"]:
                lues.append(table)
    return lues


def test_l_accueil_ne_relit_pas_les_donnees_de_la_commune(client_parent, famille):
    Actualite.objects.create(titre="Fête des écoles", affichee_du=timezone.localdate())
    TypePieceFactory(nom="Justificatif de domicile")
    url = reverse("portail:accueil")
    client_parent.get(url)
    assert _tables_lues(client_parent, url) == []
    vider_memoire()
    assert set(_tables_lues(client_parent, url)) >= {"portail_actualite", "pieces_typepiece"}


def test_une_actualite_ajoutee_apparait_tout_de_suite(client_parent):
    url = reverse("portail:accueil")
    client_parent.get(url)
    Actualite.objects.create(titre="Nouvelle cantine", affichee_du=timezone.localdate())
    assert "Nouvelle cantine" in client_parent.get(url).content.decode()
    assert "Nouvelle cantine" in client_parent.get(reverse("portail:infos")).content.decode()


def test_les_adresses_du_menu_sont_celles_de_reverse(client_parent):
    from portail.noyau.registre import entrees_menu

    assert entrees_menu()
    page = client_parent.get(reverse("portail:accueil")).content.decode()
    for entree in entrees_menu():
        assert entree.adresse("/", settings.ROOT_URLCONF) == reverse(entree.url_name)
        assert f'href="{reverse(entree.url_name)}"' in page


def test_les_modeles_communs_sont_suivis_des_le_demarrage():
    """Un processus qui enregistre une actualité sans l'avoir jamais lue (l'admin d'un
    autre processus gunicorn, un shell) change aussi le jeton."""
    from pieces.models import TypePiece
    from reservations.models import Activite

    assert {Configuration, Actualite, TypePiece, Activite} <= memoire._modeles_suivis
