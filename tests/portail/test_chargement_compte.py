"""Le compte relu à chaque requête (``portail.adapters.Authentification.get_user``) : une
requête SQL avec l'adulte et son foyer."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portail.adapters import Authentification
from portail.noyau.models import User
from tests.factories import compte_de


def test_compte_adulte_et_foyer_en_une_requete(famille):
    pk = compte_de(famille).pk
    with CaptureQueriesContext(connection) as requetes:
        user = Authentification().get_user(pk)
        assert user is not None
        assert user.famille.nom == "DUPONT"
        assert user.responsable.famille_id == famille.pk
    assert len(requetes) == 1


def test_un_agent_n_a_pas_de_foyer_sans_requete_de_plus(agent):
    with CaptureQueriesContext(connection) as requetes:
        user = Authentification().get_user(str(agent.pk))
        assert user is not None and user.username == "agent-test"
        assert user.famille is None
    assert len(requetes) == 1


def test_compte_inconnu_desactive_ou_identifiant_invalide(famille):
    auth = Authentification()
    assert auth.get_user(compte_de(famille).pk + 1000) is None
    assert auth.get_user("pas-un-nombre") is None
    assert auth.get_user(None) is None
    User.objects.filter(pk=compte_de(famille).pk).update(is_active=False)
    assert auth.get_user(compte_de(famille).pk) is None
