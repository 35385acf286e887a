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


def _lectures_du_cache(client, url) -> list[tuple[str, list[str]]]:
    """Les lectures du cache partagé pendant une page : (méthode, clés)."""
    lectures: list[tuple[str, list[str]]] = []
    vrai_get, vrai_get_many = cache.get, cache.get_many
    dans_get_many: list[int] = []  # le cache des tests (en mémoire) fait get_many par des get

    def get(cle, *args, **kwargs):
        if not dans_get_many:
            lectures.append(("get", [cle]))
        return vrai_get(cle, *args, **kwargs)

    def get_many(cles, *args, **kwargs):
        lectures.append(("get_many", list(cles)))
        dans_get_many.append(1)
        try:
            return vrai_get_many(cles, *args, **kwargs)
        finally:
            dans_get_many.pop()

    setattr(cache, "get", get)  # noqa: B010 (une méthode remplacée le temps d'une page)
    setattr(cache, "get_many", get_many)  # noqa: B010
    try:
        assert client.get(url).status_code == 200
    finally:
        setattr(cache, "get", vrai_get)  # noqa: B010
        setattr(cache, "get_many", vrai_get_many)  # noqa: B010
    return lectures


def test_le_jeton_arrive_avec_la_session_en_une_lecture(client_parent, famille):
    """Une page d'un parent lit le cache partagé une seule fois (un MGET dans Redis) : sa
    session et le jeton des données communes ensemble (portail/sessions.py)."""
    url = reverse("portail:accueil")
    client_parent.get(url)
    lectures = _lectures_du_cache(client_parent, url)
    cle_session = "django.contrib.sessions.cached_db" + client_parent.session.session_key
    assert lectures == [("get_many", [cle_session, CLE_VERSION])]
    assert memoire._requete.jeton is None  # oublié à la fin de la requête


def test_le_jeton_est_lu_une_fois_par_requete_sans_session(client, famille):
    """Sans session (un visiteur), le jeton est lu une fois, seul."""
    url = reverse("account_login")
    client.get(url)  # le premier jeton, créé par la première requête
    lectures = _lectures_du_cache(client, url)
    assert [cles for _, cles in lectures].count([CLE_VERSION]) == 1


def test_le_jeton_lu_avec_la_session_est_celui_des_copies(client_parent, famille, configuration):
    """Un autre processus change la configuration (et le jeton) : la page suivante, qui a lu
    le jeton avec sa session, montre la nouvelle."""
    url = reverse("portail:accueil")
    assert "Carnin (test)" in client_parent.get(url).content.decode()
    type(configuration).objects.filter(pk=configuration.pk).update(nom_commune="Haisnes")
    cache.set(CLE_VERSION, "jeton d-un-autre-processus")
    assert "Haisnes" in client_parent.get(url).content.decode()


def test_une_session_absente_du_cache_est_relue_en_base(client_parent, famille):
    """Redis redémarré (la session n'est plus dans le cache) : le parent reste connecté, et sa
    session revient dans le cache."""
    url = reverse("portail:accueil")
    client_parent.get(url)
    cle_session = "django.contrib.sessions.cached_db" + client_parent.session.session_key
    cache.delete(cle_session)
    reponse = client_parent.get(url)
    assert reponse.status_code == 200 and reponse.wsgi_request.user.is_authenticated
    assert cache.get(cle_session) is not None


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
