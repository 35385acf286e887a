"""Les comptes du personnel dans l'admin : seul un superutilisateur les ouvre et donne des droits.

Un agent, un régisseur ou un membre du groupe administrateur (non superutilisateur) ne voit
que les comptes des familles : la fiche, le mot de passe, l'historique ou la suppression d'un
superutilisateur, d'un collègue ou de son propre compte lui répondent 403 avec un message
clair, et il ne peut cocher ni « statut équipe », ni « superutilisateur », ni groupe.
"""

import html
from typing import cast

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portail.groupes import ADMINISTRATEUR, AGENT, REGISSEUR, groupes_mettre_a_jour
from portail.noyau.models import User
from tests.factories import FamilleFactory, UserFactory, compte_de

pytestmark = pytest.mark.django_db

MESSAGE = "seul un superutilisateur peut l'ouvrir"


@pytest.fixture
def comptes(configuration):
    groupes_mettre_a_jour()

    def membre(username: str, groupe: str) -> User:
        user = cast(User, UserFactory(username=username, is_staff=True))
        user.groups.add(Group.objects.get(name=groupe))
        return user

    return {
        "super": UserFactory(username="super", is_staff=True, is_superuser=True),
        AGENT: membre("guichet", AGENT),
        REGISSEUR: membre("regie", REGISSEUR),
        ADMINISTRATEUR: membre("chef", ADMINISTRATEUR),
        "famille": compte_de(FamilleFactory()),
    }


def _connecte(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _donnees_du_formulaire(reponse) -> dict:
    """Ce que le navigateur renverrait du formulaire de la fiche, tel qu'affiché."""
    donnees: dict = {}
    for champ in reponse.context["adminform"].form:
        valeur, widget = champ.value(), champ.field.widget
        if champ.field.disabled:
            continue
        if hasattr(widget, "widgets"):
            for i, partie in enumerate(widget.decompress(valeur)):
                donnees[f"{champ.html_name}_{i}"] = "" if partie is None else str(partie)
        elif isinstance(valeur, bool):
            if valeur:
                donnees[champ.html_name] = "on"
        elif isinstance(valeur, list | tuple):
            donnees[champ.html_name] = [str(v) for v in valeur]
        elif valeur is not None:
            donnees[champ.html_name] = str(valeur)
    return donnees


def _pages_du_compte(user: User) -> list[str]:
    return [
        reverse("admin:portail_user_change", args=[user.pk]),
        reverse("admin:auth_user_password_change", args=[user.pk]),
        reverse("admin:portail_user_history", args=[user.pk]),
        reverse("admin:portail_user_delete", args=[user.pk]),
    ]


@pytest.mark.parametrize("groupe", [AGENT, REGISSEUR, ADMINISTRATEUR])
@pytest.mark.parametrize("cible", ["super", "collegue", "soi"])
def test_le_personnel_ne_ouvre_pas_un_compte_du_personnel(comptes, groupe, cible):
    moi = comptes[groupe]
    autre = comptes[REGISSEUR if groupe != REGISSEUR else AGENT]
    compte = {"super": comptes["super"], "collegue": autre, "soi": moi}[cible]
    client = _connecte(moi)
    for url in _pages_du_compte(compte):
        reponse = client.get(url)
        assert reponse.status_code == 403, url
        assert MESSAGE in _texte(reponse), url
        assert client.post(url, {"username": "pirate", "post": "yes"}).status_code == 403, url
    compte.refresh_from_db()
    assert compte.username != "pirate"
    assert User.objects.filter(pk=compte.pk).exists()


@pytest.mark.parametrize("groupe", [AGENT, REGISSEUR, ADMINISTRATEUR])
def test_la_liste_des_comptes_ne_montre_que_les_familles(comptes, groupe):
    liste = _connecte(comptes[groupe]).get(reverse("admin:portail_user_changelist"))
    assert liste.status_code == 200
    visibles = {u.username for u in liste.context["cl"].result_list}
    assert visibles == {comptes["famille"].username}
    # Ni la recherche ni un filtre ne les font revenir.
    cherche = _connecte(comptes[groupe]).get(
        reverse("admin:portail_user_changelist"), {"q": "super", "is_superuser__exact": "1"}
    )
    assert list(cherche.context["cl"].result_list) == []


def test_un_administrateur_non_superutilisateur_ne_donne_aucun_droit(comptes):
    client = _connecte(comptes[ADMINISTRATEUR])
    famille = comptes["famille"]
    url = reverse("admin:portail_user_change", args=[famille.pk])
    page = client.get(url)
    assert page.status_code == 200
    formulaire = page.context["adminform"].form
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(formulaire.fields)
    donnees = _donnees_du_formulaire(page)
    donnees.update(
        {
            "first_name": "Renommé",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [str(Group.objects.get(name=ADMINISTRATEUR).pk)],
        }
    )
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    famille.refresh_from_db()
    assert famille.first_name == "Renommé"  # la modification permise est faite
    assert not famille.is_staff
    assert not famille.is_superuser
    assert not famille.groups.exists()


def test_un_compte_cree_par_un_administrateur_reste_sans_droits(comptes):
    client = _connecte(comptes[ADMINISTRATEUR])
    reponse = client.post(
        reverse("admin:portail_user_add"),
        {
            "username": "nouveau",
            "usable_password": "true",
            "password1": "Nouveau-Compte-2026",
            "password2": "Nouveau-Compte-2026",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert reponse.status_code == 302
    nouveau = User.objects.get(username="nouveau")
    assert not nouveau.is_staff and not nouveau.is_superuser


def test_le_superutilisateur_gere_toujours_le_personnel(comptes):
    client = _connecte(comptes["super"])
    liste = client.get(reverse("admin:portail_user_changelist"))
    assert {u.username for u in liste.context["cl"].result_list} >= {"guichet", "regie", "chef"}
    agent = comptes[AGENT]
    page = client.get(reverse("admin:portail_user_change", args=[agent.pk]))
    assert page.status_code == 200
    donnees = _donnees_du_formulaire(page)
    donnees["groups"] = [str(Group.objects.get(name=REGISSEUR).pk)]
    reponse = client.post(reverse("admin:portail_user_change", args=[agent.pk]), donnees)
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    assert list(agent.groups.values_list("name", flat=True)) == [REGISSEUR]
    mot_de_passe = client.get(reverse("admin:auth_user_password_change", args=[agent.pk]))
    assert mot_de_passe.status_code == 200


def test_un_compte_inexistant_est_refuse_pareil(comptes):
    reponse = _connecte(comptes[AGENT]).get(reverse("admin:portail_user_change", args=[987654]))
    assert reponse.status_code == 403
    assert MESSAGE in _texte(reponse)
