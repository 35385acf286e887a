from io import StringIO

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from familles.models import Famille
from portail.noyau.models import Configuration, User
from tests.factories import compte_de


def _compter() -> dict[str, int]:
    return {
        modele._meta.label: modele._default_manager.count()
        for modele in apps.get_models()
        if modele._meta.app_label
        in {"portail", "familles", "demandes", "reservations", "facturation", "pieces", "auth"}
    }


def test_demo_deux_fois_ne_cree_rien_en_double(client, db):
    sortie = StringIO()
    call_command("demo", stdout=sortie)
    apres_un = _compter()
    call_command("demo", stdout=StringIO())
    assert _compter() == apres_un
    texte = sortie.getvalue()
    for ligne in (
        "jean.dupont@example.fr / Demo-Parent-2026",
        "claire.martin@example.fr / Bienvenue-2026",
        "agent / Demo-Agent-2026",
        "regisseur / Demo-Regisseur-2026",
        "admin / Demo-Admin-2026",
    ):
        assert ligne in texte
    config = Configuration.objects.get()
    assert (config.nom_commune, config.site_web, config.email_contact) == (
        "Carnin (démo)",
        "https://www.example.fr/",
        "portail@example.fr",
    )
    agent = User.objects.get(username="agent")
    assert agent.is_staff and not agent.is_superuser
    assert list(agent.groups.values_list("name", flat=True)) == ["agent"]
    assert agent.has_perm("demandes.change_demande")
    assert not agent.has_perm("portail.change_configuration")
    regisseur = User.objects.get(username="regisseur")
    assert regisseur.is_staff and not regisseur.is_superuser
    assert list(regisseur.groups.values_list("name", flat=True)) == ["régisseur"]
    assert regisseur.has_perm("facturation.add_reglement")
    assert not agent.has_perm("facturation.add_reglement")
    assert User.objects.get(username="admin").is_superuser
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "agent",
        "régisseur",
        "administrateur",
    }
    dupont = Famille.objects.get(nom="DUPONT")
    assert compte_de(dupont).check_password("Demo-Parent-2026")
    assert not compte_de(dupont).doit_changer_mot_de_passe
    assert compte_de(Famille.objects.get(nom="MARTIN")).doit_changer_mot_de_passe
    # DUPONT arrive directement à l'accueil, MARTIN sur la première connexion.
    client.post(
        reverse("account_login"),
        {"login": "jean.dupont@example.fr", "password": "Demo-Parent-2026"},
    )
    assert "Bienvenue Jean DUPONT" in client.get(reverse("portail:accueil")).content.decode()
    client.post(reverse("account_logout"))
    client.post(
        reverse("account_login"),
        {"login": "claire.martin@example.fr", "password": "Bienvenue-2026"},
    )
    assert client.get(reverse("portail:accueil"))["Location"] == reverse(
        "portail:premiere_connexion"
    )
