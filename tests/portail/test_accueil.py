from django.urls import reverse


def test_accueil_anonyme_renvoie_vers_la_connexion(client, configuration):
    reponse = client.get(reverse("portail:accueil"))
    assert reponse.status_code == 302
    assert reverse("account_login") in reponse["Location"]


def test_accueil_parent_bienvenue(client_parent):
    reponse = client_parent.get(reverse("portail:accueil"))
    assert reponse.status_code == 200
    assert "Bienvenue" in reponse.content.decode()
    assert "portail@example.fr" in reponse.content.decode()
