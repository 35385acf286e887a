"""Le compte lu dès le début de la requête (portail.middleware.CompteMiddleware)."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portail.noyau.models import User


def test_request_user_est_le_compte_lui_meme(client_parent, famille):
    """Pas l'objet paresseux de Django : le compte du parent, avec son foyer."""
    reponse = client_parent.get(reverse("portail:accueil"))
    assert reponse.status_code == 200
    compte = reponse.wsgi_request.user
    assert type(compte) is User
    assert compte.responsable.famille == famille


def test_un_visiteur_sans_session_ne_lit_aucun_compte(client, famille):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse("account_login"))
    assert reponse.status_code == 200
    assert type(reponse.wsgi_request.user) is AnonymousUser
    assert not [r for r in requetes.captured_queries if "portail_user" in r["sql"]]


def test_apres_la_deconnexion_le_visiteur_est_anonyme(client_parent, famille):
    reponse = client_parent.post(reverse("account_logout"))
    assert reponse.status_code == 302
    reponse = client_parent.get(reverse("portail:accueil"))
    assert reponse.status_code == 302  # renvoyé vers la connexion
    assert type(reponse.wsgi_request.user) is AnonymousUser
