from django.urls import reverse

from portail.noyau.registre import blocs_accueil
from tests.factories import compte_de


def test_accueil_anonyme_renvoie_vers_la_connexion(client, configuration):
    reponse = client.get(reverse("portail:accueil"))
    assert reponse.status_code == 302
    assert reverse("account_login") in reponse["Location"]


def test_accueil_parent_bienvenue(client_parent):
    reponse = client_parent.get(reverse("portail:accueil"))
    assert reponse.status_code == 200
    assert "Bienvenue" in reponse.content.decode()
    assert "portail@example.fr" in reponse.content.decode()


def _requetes_accueil(client, famille) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(compte_de(famille))
    client.get(reverse("portail:accueil"))  # configuration mise en cache
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("portail:accueil")).status_code == 200
    return len(requetes)


def test_accueil_en_nombre_fixe_de_requetes(client, famille, autre_famille):
    from tests.factories import EnfantFactory

    for _ in range(12):
        EnfantFactory(famille=autre_famille)
    petite = _requetes_accueil(client, famille)
    client.logout()
    grande = _requetes_accueil(client, autre_famille)
    assert petite == grande
    # Session (cache) et configuration (cache) : seul le compte avec sa famille est lu en base
    # par le portail ; le reste vient des blocs des applications.
    assert petite <= 1 + 2 * len(blocs_accueil())


def test_pages_de_compte_sans_requete_superflue(client, famille, django_assert_max_num_queries):
    client.force_login(compte_de(famille))
    client.get(reverse("portail:accueil"))
    with django_assert_max_num_queries(1):
        assert client.get(reverse("account_change_password")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(0):
        assert client.get(reverse("account_login")).status_code == 200


def test_accueil_bloc_responsable_civilite_nom_prenom_numero_de_famille(client_parent, famille):
    import html

    texte = html.unescape(client_parent.get("/").content.decode())
    bloc = texte.split('id="bloc-responsable">Responsable</h2>')[1].split("</section>")[0]
    for intitule, valeur in (
        ("Civilité", "Monsieur"),
        ("Nom", "DUPONT"),
        ("Prénom", "Jean"),
        ("N° Famille", famille.numero),
    ):
        assert f'<dt class="col-6">{intitule}</dt><dd class="col-6">{valeur}</dd>' in bloc
