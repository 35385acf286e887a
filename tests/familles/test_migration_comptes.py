"""La migration 0005 : le compte de chaque famille passe à son responsable principal, sans
nouveau mot de passe ; une famille sans responsable en reçoit un, tiré du compte."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from familles.models import Responsable, Role
from portail.noyau.models import User

AVANT = [
    ("familles", "0004_bornes_fiscales"),
    ("reservations", "0006_regle_fermeture_des_periodes"),
]


def _migrer(cibles):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cibles)
    return executor.loader.project_state(cibles).apps


@pytest.mark.django_db(transaction=True)
def test_les_comptes_existants_passent_au_responsable_sans_nouveau_mot_de_passe(client):
    anciennes = _migrer(AVANT)
    try:
        Famille = anciennes.get_model("familles", "Famille")
        AncienResponsable = anciennes.get_model("familles", "Responsable")
        AncienUser = anciennes.get_model("portail", "User")
        empreinte = make_password("Ancien-Parent-2026")
        avec = AncienUser.objects.create(username="7001", email="a@example.fr", password=empreinte)
        seul = AncienUser.objects.create(
            username="7002", first_name="Rose", last_name="PETIT", password=empreinte
        )
        dupont = Famille.objects.create(numero="7001", nom="DUPONT", compte=avec)
        AncienResponsable.objects.create(
            famille=dupont, role="responsable", nom="DUPONT", prenom="Jean"
        )
        AncienResponsable.objects.create(
            famille=dupont, role="conjoint", nom="DUPONT", prenom="Jeanne"
        )
        Famille.objects.create(numero="7002", nom="PETIT", compte=seul)
    finally:
        _migrer(_migrer_tout())

    jean = Responsable.objects.get(famille__numero="7001", role=Role.RESPONSABLE)
    assert jean.compte.username == "7001"
    assert Responsable.objects.get(famille__numero="7001", role=Role.CONJOINT).compte is None
    rose = Responsable.objects.get(famille__numero="7002")
    assert (rose.role, rose.prenom, rose.nom, rose.compte.username) == (
        Role.RESPONSABLE,
        "Rose",
        "PETIT",
        "7002",
    )
    # Le même mot de passe ouvre le même foyer, par la nouvelle relation.
    assert User.objects.get(username="7001").check_password("Ancien-Parent-2026")
    reponse = client.post(
        reverse("account_login"), {"login": "7001", "password": "Ancien-Parent-2026"}
    )
    assert reponse.status_code == 302
    assert (
        User.objects.select_related("responsable__famille").get(username="7001").famille.numero
        == "7001"
    )


def _migrer_tout():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
