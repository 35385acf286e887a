"""Les fichiers et PDF servis aux agents : jamais à un anonyme, à un parent, ni à un agent
qui n'a pas le droit de voir la ligne."""

from collections.abc import Callable
from typing import Any, cast

import pytest
from django.contrib.auth.models import Permission
from django.http import FileResponse
from django.urls import reverse

from portail.noyau.models import User
from tests.factories import UserFactory

from . import objets

pytestmark = pytest.mark.django_db

# (URL, fabrique de la ligne, nom du kwarg, permission « voir » qui ouvre le fichier)
FICHIERS_AGENTS: list[tuple[str, Callable[..., Any], str, str]] = [
    ("pieces:fichier_agent", objets.piece, "pk", "pieces.view_piece"),
    ("admin:demandes_message_piece_jointe", objets.message, "pk", "demandes.view_message"),
    (
        "admin:reservations_absence_certificat",
        objets.absence,
        "absence_id",
        "reservations.view_absence",
    ),
    ("admin:facturation_facture_pdf", objets.facture, "pk", "facturation.view_facture"),
    ("admin:facturation_reglement_recu", objets.reglement, "pk", "facturation.view_reglement"),
]
IDS = [f[0] for f in FICHIERS_AGENTS]


def _url(famille, nom: str, fabrique, cle: str) -> str:
    return reverse(nom, kwargs={cle: fabrique(famille).pk})


def _est_un_fichier(reponse) -> bool:
    return isinstance(reponse, FileResponse) or reponse.get("Content-Type", "").startswith(
        "application/pdf"
    )


def _agent(*permissions: str):
    agent = cast(User, UserFactory(username="agent-sans-droit", is_staff=True))
    for code in permissions:
        app, codename = code.split(".")
        agent.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return agent


@pytest.mark.parametrize(("nom", "fabrique", "cle", "permission"), FICHIERS_AGENTS, ids=IDS)
def test_un_anonyme_ne_recoit_pas_le_fichier(nom, fabrique, cle, permission, client, famille):
    reponse = client.get(_url(famille, nom, fabrique, cle))
    assert reponse.status_code in (302, 404)
    if reponse.status_code == 302:
        assert reponse["Location"].startswith(reverse("admin:login"))
    assert not _est_un_fichier(reponse)


@pytest.mark.parametrize(("nom", "fabrique", "cle", "permission"), FICHIERS_AGENTS, ids=IDS)
def test_un_parent_ne_recoit_pas_le_fichier_par_l_admin(
    nom, fabrique, cle, permission, client_parent, famille
):
    """Même le fichier de sa propre famille : les URL d'agent ne servent pas les parents."""
    reponse = client_parent.get(_url(famille, nom, fabrique, cle))
    assert reponse.status_code in (302, 404)
    assert not _est_un_fichier(reponse)


@pytest.mark.parametrize(("nom", "fabrique", "cle", "permission"), FICHIERS_AGENTS, ids=IDS)
def test_un_agent_sans_le_droit_de_voir_est_refuse(nom, fabrique, cle, permission, client, famille):
    app, codename = permission.split(".")
    modele = codename.removeprefix("view_")
    # Il peut ajouter ou supprimer cette sorte de ligne, mais ni la voir ni la modifier
    # (modifier vaut voir dans l'admin de Django).
    client.force_login(_agent(f"{app}.add_{modele}", f"{app}.delete_{modele}"))
    reponse = client.get(_url(famille, nom, fabrique, cle))
    assert reponse.status_code in (403, 404)
    assert not _est_un_fichier(reponse)


@pytest.mark.parametrize(("nom", "fabrique", "cle", "permission"), FICHIERS_AGENTS, ids=IDS)
def test_un_agent_avec_le_droit_de_voir_recoit_le_fichier(
    nom, fabrique, cle, permission, client, famille
):
    client.force_login(_agent(permission))
    reponse = client.get(_url(famille, nom, fabrique, cle))
    assert reponse.status_code == 200
    assert _est_un_fichier(reponse)
    assert reponse["X-Content-Type-Options"] == "nosniff"
