"""Un compte par adulte : Jean (responsable) et Jeanne (conjointe) ont chacun le leur, sur le
même foyer ; l'invitation de l'autre parent, la coupure d'un seul accès."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from demandes.models import Demande
from demandes.services import demande_accepter
from familles.models import Role
from familles.services import TypeRenseignement, acces_adulte_regler, ajout_demander
from tests.factories import MOT_DE_PASSE, ResponsableFactory, UserFactory, compte_de

NOUVEAU = "Mon-Nouveau-2026"


@pytest.fixture
def jeanne(famille):
    compte = UserFactory(
        username="jeanne.dupont@example.fr",
        email="jeanne.dupont@example.fr",
        first_name="Jeanne",
        last_name="DUPONT",
    )
    return ResponsableFactory(
        famille=famille,
        role=Role.CONJOINT,
        prenom="Jeanne",
        email="jeanne.dupont@example.fr",
        compte=compte,
    )


def _connecter(client: Client, login: str, password: str = MOT_DE_PASSE):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_chaque_adulte_se_connecte_avec_son_identifiant_sur_le_meme_foyer(famille, jeanne):
    for login, prenom in ((famille.numero, "Jean"), ("jeanne.dupont@example.fr", "Jeanne")):
        client = Client()
        assert _connecter(client, login).status_code == 302
        texte = client.get(reverse("portail:accueil")).content.decode()
        assert prenom in texte
        assert famille.numero in texte  # « N° Famille » : le même foyer pour les deux


def test_la_premiere_connexion_de_la_conjointe_ne_touche_pas_au_compte_de_jean(famille, jeanne):
    jeanne.compte.doit_changer_mot_de_passe = True
    jeanne.compte.save()
    client = Client()
    _connecter(client, "jeanne.dupont@example.fr")
    assert client.get(reverse("facturation:factures")).status_code == 302
    assert _connecter(Client(), famille.numero).status_code == 302
    assert compte_de(famille).doit_changer_mot_de_passe is False


def test_le_blocage_compte_par_adulte(famille, jeanne, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _connecter(Client(), "jeanne.dupont@example.fr", "Mauvais-2026")
    assert _connecter(Client(), "jeanne.dupont@example.fr").status_code == 429
    # Jean, du même foyer, n'est pas bloqué par les échecs de Jeanne.
    assert _connecter(Client(), famille.numero).status_code == 302


def test_couper_l_acces_d_un_adulte_laisse_celui_de_l_autre(client, famille, jeanne):
    client.force_login(jeanne.compte)
    assert client.get(reverse("familles:renseignements")).status_code == 200
    acces_adulte_regler(responsable=jeanne, actif=False)
    # La session ouverte de Jeanne n'atteint plus rien ; Jean garde son accès.
    assert client.get(reverse("familles:renseignements")).status_code == 302
    assert _connecter(Client(), "jeanne.dupont@example.fr")["Location"] == "/compte/inactive/"
    jean = Client()
    jean.force_login(compte_de(famille))
    assert jean.get(reverse("familles:renseignements")).status_code == 200


def test_chaque_demande_retient_l_adulte_qui_l_a_faite(client, famille, jeanne):
    client.force_login(jeanne.compte)
    url = reverse("familles:ajouter_enfant")
    page = client.get(url)
    assert page.status_code == 200
    ajout_demander(
        famille=famille,
        type=TypeRenseignement.ENFANTS,
        valeurs={"nom": "DUPONT", "prenom": "Zoé"},
        auteur=jeanne.compte,
    )
    demande = Demande.objects.get()
    assert demande.cree_par == jeanne.compte
    detail = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert 'Demandée par</dt><dd class="col-sm-9">Jeanne DUPONT' in detail


def test_inviter_l_autre_parent_de_la_demande_a_la_connexion(
    client_parent, famille, agent, django_capture_on_commit_callbacks
):
    ajout_demander(
        famille=famille,
        type=TypeRenseignement.CONJOINT,
        valeurs={"nom": "DUPONT", "prenom": "Jeanne", "email": "jeanne.dupont@example.fr"},
    )
    demande = Demande.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(demande=demande, agent=agent)
    assert "ses identifiants lui sont envoyés" in demande.reponse
    jeanne = famille.responsables.get(role=Role.CONJOINT)
    assert jeanne.compte.username == "jeanne.dupont@example.fr"
    courriel = next(m for m in mail.outbox if m.to == ["jeanne.dupont@example.fr"])
    mot_de_passe = re.search(r"Mot de passe temporaire : (\S+)", courriel.body).group(1)
    client = Client()
    assert _connecter(client, "jeanne.dupont@example.fr", mot_de_passe).status_code == 302
    # Première connexion : nouveau mot de passe et conditions, puis le foyer des DUPONT.
    assert client.get(reverse("familles:renseignements")).status_code == 302
