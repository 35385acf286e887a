"""Le compte relu à chaque requête (``portail.adapters.Authentification.get_user``) : une
requête SQL écrite une fois, qui rend le même compte et la même famille que l'ORM."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familles.models import Famille
from portail.adapters import Authentification
from portail.noyau.models import User


def _champs(objet) -> dict:
    return {f.attname: getattr(objet, f.attname) for f in type(objet)._meta.concrete_fields}


def test_compte_et_famille_en_une_requete_comme_l_orm(famille):
    attendu = User.objects.select_related("famille").get(pk=famille.compte.pk)
    with CaptureQueriesContext(connection) as requetes:
        user = Authentification().get_user(famille.compte.pk)
        assert user is not None
        assert user.famille.nom == "DUPONT"
        assert user.famille.compte is user
    assert len(requetes) == 1
    assert _champs(user) == _champs(attendu)
    assert _champs(user.famille) == _champs(Famille.objects.get(pk=famille.pk))
    assert not user._state.adding and user._state.db == "default"


def test_un_agent_n_a_pas_de_famille_sans_requete_de_plus(agent):
    with CaptureQueriesContext(connection) as requetes:
        user = Authentification().get_user(str(agent.pk))
        assert user is not None and user.username == "agent-test"
        with pytest.raises(User.famille.RelatedObjectDoesNotExist):  # type: ignore[attr-defined]
            user.famille  # noqa: B018
    assert len(requetes) == 1


def test_compte_inconnu_desactive_ou_identifiant_invalide(famille):
    auth = Authentification()
    assert auth.get_user(famille.compte.pk + 1000) is None
    assert auth.get_user("pas-un-nombre") is None
    assert auth.get_user(None) is None
    User.objects.filter(pk=famille.compte.pk).update(is_active=False)
    assert auth.get_user(famille.compte.pk) is None
