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


def _champs(objet) -> dict:
    return {f.attname: getattr(objet, f.attname) for f in type(objet)._meta.concrete_fields}


def test_meme_compte_que_l_orm_champ_par_champ(famille):
    """La requête compilée une fois par processus (portail/chargement_compte.py) rend les
    mêmes objets que l'ORM : compte, adulte et foyer, reliés dans les deux sens."""
    from portail.chargement_compte import compte_avec_foyer

    pk = compte_de(famille).pk
    attendu = User.objects.select_related("responsable__famille").get(pk=pk)
    with CaptureQueriesContext(connection) as requetes:
        lu = compte_avec_foyer(pk)
        assert lu is not None
        assert _champs(lu) == _champs(attendu)
        assert _champs(lu.responsable) == _champs(attendu.responsable)
        assert _champs(lu.responsable.famille) == _champs(attendu.responsable.famille)
        assert lu.responsable.compte is lu
        assert lu.famille == famille
        assert not lu._state.adding and lu._state.db == "default"
    assert len(requetes) == 1
    # Enregistrable comme un objet de l'ORM (champs à jour, pas de doublon).
    lu.first_name = "Jeanne"
    lu.save(update_fields=["first_name"])
    assert User.objects.get(pk=pk).first_name == "Jeanne"


def test_agent_sans_adulte_comme_l_orm(agent):
    from portail.chargement_compte import compte_avec_foyer

    lu = compte_avec_foyer(agent.pk)
    assert lu is not None and _champs(lu) == _champs(User.objects.get(pk=agent.pk))
    with CaptureQueriesContext(connection) as requetes:
        assert not hasattr(lu, "responsable")
        assert lu.famille is None
    assert len(requetes) == 0


def test_identifiant_hors_des_bornes_de_la_base(famille):
    from portail.chargement_compte import compte_avec_foyer

    assert compte_avec_foyer(2**63) is None
    assert compte_avec_foyer(0) is None
    assert Authentification().get_user(str(2**70)) is None
