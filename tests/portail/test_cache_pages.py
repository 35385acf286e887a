"""Pages des parents et comptes gardés dans le cache (portail.cache_pages) : resservis sans
une requête SQL, jamais périmés, jamais d'une famille à l'autre."""

import os
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demandes.models import Message
from portail import cache_pages
from portail.cache_pages import COMMUNE, PLACES, ecritures_de_famille, famille, generations_de
from portail.configuration import vider_cache_configuration
from portail.models import Actualite, Configuration
from tests.demandes.factories_messages import MessageFactory

pytestmark = pytest.mark.django_db

BOITE = "/demandes/messages/"


def _get(client: Client, url: str) -> tuple[int, str, int]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    return reponse.status_code, reponse.content.decode(), len(requetes)


@pytest.fixture
def parent(client_parent):
    """Le parent connecté, avec le cookie CSRF qu'un navigateur a dès sa première page."""
    client_parent.get("/compte/password/change/")
    return client_parent


def _jeton_csrf(page: str) -> str:
    trouve = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert trouve, "la page n'a pas de formulaire"
    return trouve.group(1)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/infos/",
        "/renseignements/",
        "/renseignements/mon-compte/",
        "/renseignements/mes-enfants/",
        "/reservations/",
        "/factures/",
        "/factures/reglements/",
        "/factures/releve/",
        "/pieces/",
        "/demandes/",
        BOITE,
    ],
)
def test_une_page_revue_est_resservie_sans_requete_sql(parent, url):
    statut, premiere, requetes = _get(parent, url)
    assert statut == 200 and requetes > 0
    statut, seconde, requetes = _get(parent, url)
    assert (statut, requetes) == (200, 0)
    assert seconde == premiere


def test_chaque_famille_a_sa_page(parent, famille, autre_famille):
    MessageFactory(famille=famille, sujet="Pour les DUPONT")
    MessageFactory(famille=autre_famille, sujet="Pour les MARTIN")
    assert "Pour les DUPONT" in _get(parent, BOITE)[1]
    autre = Client()
    autre.force_login(autre_famille.compte)
    autre.get("/")  # cookie CSRF, comme un navigateur
    for _ in range(2):
        page = _get(autre, BOITE)[1]
        assert "Pour les MARTIN" in page and "Pour les DUPONT" not in page


def test_une_ligne_de_la_famille_enregistree_se_voit_aussitot(parent, famille):
    _get(parent, BOITE)
    message = MessageFactory(famille=famille, sujet="Menus de décembre")
    assert "Menus de décembre" in _get(parent, BOITE)[1]
    message.delete()
    assert "Menus de décembre" not in _get(parent, BOITE)[1]


def test_une_ecriture_en_masse_hors_modele_se_voit_aussitot(parent, famille):
    """update() n'envoie aucun signal : le garde-fou SQL renouvelle la commune."""
    message = MessageFactory(famille=famille, sujet="Ancien sujet")
    _get(parent, BOITE)
    Message.objects.filter(pk=message.pk).update(sujet="Sujet corrigé")
    page = _get(parent, BOITE)[1]
    assert "Sujet corrigé" in page and "Ancien sujet" not in page


def test_une_autre_famille_ne_fait_pas_recalculer_la_page(parent, autre_famille):
    _get(parent, BOITE)
    MessageFactory(famille=autre_famille)
    assert _get(parent, BOITE)[2] == 0


def test_ecritures_attribuees_a_une_famille_ne_touchent_pas_les_autres(
    parent, famille, autre_famille
):
    message = MessageFactory(famille=autre_famille)
    _get(parent, BOITE)
    with ecritures_de_famille(autre_famille.pk):
        Message.objects.filter(pk=message.pk).update(sujet="Corrigé")
    assert _get(parent, BOITE)[2] == 0
    with ecritures_de_famille(famille.pk):
        MessageFactory.build(famille=famille)  # rien d'écrit : la famille est quand même datée
    assert _get(parent, BOITE)[2] > 0


def test_une_actualite_ajoutee_dans_l_admin_apparait_aussitot(parent, settings):
    """Les copies en mémoire du processus (10 s) sont relues quand la commune change."""
    settings.CONFIGURATION_CACHE_LOCAL_SECONDES = 10
    _get(parent, "/")
    Actualite.objects.create(titre="Nouvelle cantine", affichee_du=timezone.localdate())
    assert "Nouvelle cantine" in _get(parent, "/")[1]


def test_une_fonctionnalite_coupee_repond_404_meme_si_la_page_est_gardee(parent):
    assert _get(parent, BOITE)[0] == 200
    Configuration.objects.filter(pk=1).update(messages_actifs=False)
    vider_cache_configuration()  # ce que fait l'admin en enregistrant
    assert _get(parent, BOITE)[0] == 404


def test_un_compte_desactive_est_deconnecte_a_la_requete_suivante(parent, famille):
    assert _get(parent, "/factures/")[0] == 200
    compte = famille.compte
    compte.is_active = False
    compte.save(update_fields=["is_active"])
    reponse = parent.get("/factures/")
    assert reponse.status_code == 302 and "/compte/login/" in reponse["Location"]


def test_le_jeton_csrf_d_une_page_gardee_reste_valable_apres_une_nouvelle_connexion(famille):
    client = Client(enforce_csrf_checks=True)
    client.force_login(famille.compte)
    client.get("/")
    _get(client, "/factures/")
    client.logout()
    client.force_login(famille.compte)
    client.get("/")  # nouveau secret CSRF, posé par la page
    page = _get(client, "/factures/")[1]
    reponse = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": _jeton_csrf(page)})
    assert reponse.status_code == 302


def test_un_message_flash_est_montre_une_fois_et_jamais_garde(parent, famille):
    message = MessageFactory(famille=famille)
    _get(parent, BOITE)
    parent.post(reverse("demandes:message_supprimer", args=[message.pk]))
    annonce = "Le message a été placé dans « Supprimés »."
    assert annonce in _get(parent, BOITE)[1].replace("&laquo;", "«").replace("&raquo;", "»")
    assert annonce not in _get(parent, BOITE)[1]


def test_la_page_n_est_pas_gardee_sans_cookie_csrf(famille):
    client = Client()
    client.force_login(famille.compte)
    assert _get(client, "/infos/")[2] > 0  # pas encore de cookie : page calculée, non gardée
    assert _get(client, "/infos/")[2] > 0  # cookie posé par la page : calculée et gardée
    assert _get(client, "/infos/")[2] == 0


def test_coupe_par_le_reglage(parent, settings):
    settings.PORTAIL_CACHE_PAGES_SECONDES = 0
    _get(parent, "/factures/")
    assert _get(parent, "/factures/")[2] > 0


def test_le_jeton_est_renouvele_encore_apres_le_commit(famille, django_capture_on_commit_callbacks):
    """Une page calculée pendant la transaction (données d'avant) porte le jeton
    intermédiaire : le second renouvellement, après le commit, l'écarte."""
    cle = cache_pages.PREFIXE + famille_nom(famille)
    with django_capture_on_commit_callbacks(execute=True):
        cache_pages.renouveler(famille_nom(famille))
        pendant = cache.get(cle)
    assert pendant and cache.get(cle) != pendant


def famille_nom(f) -> str:
    return famille(f.pk)


def test_chaque_modele_du_portail_date_une_famille_ou_la_commune():
    """Un nouveau modèle sans chemin vers la famille renouvelle toute la commune : la liste
    ci-dessous oblige à le décider en l'ajoutant."""
    communs = set()
    for label in cache_pages.APPLICATIONS:
        for modele in apps.get_app_config(label).get_models():
            if modele._meta.model_name.startswith("historical"):
                continue
            if modele._meta.label_lower in ("portail.user", "familles.famille"):
                continue
            if cache_pages._chemin_vers_famille(modele) is None:
                communs.add(modele._meta.label)
    assert communs == {
        "portail.Configuration",
        "portail.Actualite",
        "reservations.Activite",
        "reservations.Unite",
        "reservations.Periode",
        "reservations.JourOuverture",
        "reservations.Fermeture",
        "facturation.Regie",
        "facturation.ActiviteFacturee",
        "facturation.Tarif",
        "facturation.OperationSimulee",
        "pieces.TypePiece",
        "pieces.DocumentTelechargeable",
    }


def test_generations_d_une_reservation_et_d_un_message(famille):
    from tests.reservations.factories import InscriptionFactory

    inscription = InscriptionFactory(enfant=famille.enfants.get())
    assert generations_de(inscription) == (famille_nom(famille),)
    message = MessageFactory(famille=famille)
    assert generations_de(message) == (famille_nom(famille),)
    assert generations_de(Actualite(titre="x")) == (COMMUNE,)
    assert cache_pages.EN_PLUS["reservations.reservation"] == (PLACES,)


def test_le_cache_redis_garde_son_client_et_fonctionne():
    from portail.cache_redis import CacheRedis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis_cache = CacheRedis(url, {"KEY_PREFIX": "test-cache-pages"})
    redis_cache.set("cle", {"a": 1}, 30)
    assert redis_cache.get_many(["cle", "absente"]) == {"cle": {"a": 1}}
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.delete("cle")


def test_une_adresse_avec_des_parametres_inconnus_n_est_pas_gardee(parent):
    _get(parent, "/demandes/?page=1")
    assert _get(parent, "/demandes/?page=1")[2] == 0  # paramètre lu par la vue
    _get(parent, "/demandes/?x=au-hasard")
    assert _get(parent, "/demandes/?x=au-hasard")[2] > 0
    _get(parent, "/demandes/?page=" + "1" * 30)
    assert _get(parent, "/demandes/?page=" + "1" * 30)[2] > 0


def test_dans_un_bloc_de_famille_aucune_recherche_de_famille_par_ligne(parent, famille):
    from tests.reservations.factories import InscriptionFactory

    inscription = InscriptionFactory(enfant=famille.enfants.get())
    inscription.refresh_from_db()  # l'enfant n'est plus en mémoire : il faudrait le relire
    with CaptureQueriesContext(connection) as hors_bloc:
        inscription.save()
    _get(parent, "/renseignements/")
    with (
        CaptureQueriesContext(connection) as dans_le_bloc,
        ecritures_de_famille(famille.pk, PLACES),
    ):
        inscription.save()
    assert len(hors_bloc) - len(dans_le_bloc) == 1
    assert _get(parent, "/renseignements/")[2] > 0  # la famille est datée en sortie de bloc


def _cookies(client: Client) -> dict[str, str]:
    return {nom: morceau.value for nom, morceau in client.cookies.items()}


def test_la_page_gardee_est_resservie_avec_les_en_tetes_de_la_page_calculee(parent):
    calculee = parent.get("/factures/")
    resservie = parent.get("/factures/")
    assert resservie.content == calculee.content
    for entete in (
        "Content-Type",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Vary",
        "Content-Language",
    ):
        assert resservie.get(entete) == calculee.get(entete), entete
    assert not resservie.cookies


def test_une_session_fermee_ne_resert_plus_la_page(parent):
    _get(parent, "/factures/")
    assert _get(parent, "/factures/")[2] == 0
    anciens = _cookies(parent)
    parent.post(reverse("account_logout"))
    rejoue = Client()
    rejoue.cookies.load(anciens)  # le cookie de session volé ou resté dans un navigateur
    reponse = rejoue.get("/factures/")
    assert reponse.status_code == 302 and "/compte/login/" in reponse["Location"]


def test_une_session_modifiee_fait_recalculer_la_page(parent):
    _get(parent, "/factures/")
    assert _get(parent, "/factures/")[2] == 0
    session = parent.session
    session["choix"] = "autre"
    session.save()
    assert _get(parent, "/factures/")[2] > 0
    assert _get(parent, "/factures/")[2] == 0


def test_une_autre_session_du_meme_parent_a_ses_propres_pages(parent, famille):
    _get(parent, "/factures/")
    autre_navigateur = Client()
    autre_navigateur.force_login(famille.compte)
    autre_navigateur.get("/compte/password/change/")
    assert _get(autre_navigateur, "/factures/")[2] > 0


def test_un_hote_refuse_l_est_aussi_pour_une_page_gardee(parent):
    _get(parent, "/factures/")
    assert parent.get("/factures/", headers={"host": "pirate.example"}).status_code == 400


def test_un_cookie_de_message_en_attente_fait_calculer_la_page(parent):
    _get(parent, "/factures/")
    parent.cookies["messages"] = "illisible"  # signature fausse : ignoré par Django
    assert _get(parent, "/factures/")[2] > 0


def test_une_page_au_bout_de_sa_duree_est_recalculee_par_une_seule_requete(
    parent, settings, monkeypatch
):
    import time_machine

    settings.PORTAIL_CACHE_PAGES_SECONDES = 60
    with time_machine.travel(timezone.now(), tick=False) as voyage:
        _get(parent, "/factures/")
        voyage.shift(30)
        assert _get(parent, "/factures/")[2] == 0
        voyage.shift(31)  # au bout de sa durée : la première requête la recalcule
        assert _get(parent, "/factures/")[2] > 0
        assert _get(parent, "/factures/")[2] == 0
        voyage.shift(61)  # un autre fil la recalcule déjà : celle-ci resert la page
        monkeypatch.setattr(cache_pages, "_prendre_le_calcul", lambda cle: False)
        assert _get(parent, "/factures/")[2] == 0
        voyage.shift(cache_pages.RELAIS)  # au-delà du relais, la page n'est plus gardée
        assert _get(parent, "/factures/")[2] > 0


def test_le_calcul_d_une_page_est_pris_une_seule_fois():
    assert cache_pages._prendre_le_calcul("portail:page:essai")
    assert not cache_pages._prendre_le_calcul("portail:page:essai")


def test_sur_redis_la_page_et_la_session_sont_resservies_sans_sql(famille, settings):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    prefixe = f"test-pages-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "portail.cache_redis.CacheRedis",
            "LOCATION": url,
            "KEY_PREFIX": prefixe,
        }
    }
    try:
        client = Client()
        client.force_login(famille.compte)
        client.get("/compte/password/change/")
        statut, premiere, requetes = _get(client, "/factures/")
        assert statut == 200 and requetes > 0
        statut, seconde, requetes = _get(client, "/factures/")
        assert (statut, requetes, seconde) == (200, 0, premiere)
        MessageFactory(famille=famille, sujet="Sur Redis")
        assert "Sur Redis" in _get(client, BOITE)[1]
        client.post(reverse("account_logout"))
        assert client.get("/factures/").status_code == 302
    finally:
        brut = cache._cache.get_client()  # type: ignore[attr-defined]
        if cles := brut.keys(f"{prefixe}:*"):
            brut.delete(*cles)


def test_seules_les_adresses_des_pages_de_parent_lisent_le_cache(settings):
    urlconf = settings.ROOT_URLCONF
    assert cache_pages._adresse_de_page(urlconf, "/factures/")
    assert cache_pages._adresse_de_page(urlconf, "/reservations/planning/1/2026/11/")
    for adresse in ("/admin/", "/compte/login/", "/factures/1/", "/inconnue/", "/static/x.css"):
        assert not cache_pages._adresse_de_page(urlconf, adresse), adresse


def test_le_cache_en_panne_ne_fait_pas_tomber_les_pages(parent, monkeypatch):
    class CacheEnPanne:
        def __getattr__(self, nom):
            def panne(*args, **kwargs):
                raise ConnectionError("Redis ne répond pas")

            return panne

    _get(parent, "/factures/")
    monkeypatch.setattr(cache_pages, "cache", CacheEnPanne())
    for _ in range(2):
        statut, page, requetes = _get(parent, "/factures/")
        assert statut == 200 and requetes > 0 and "Factures" in page
