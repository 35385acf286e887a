"""Chaque page de l'administration s'ouvre (200) ou est refusée (403), jamais d'erreur 500.

Les pages sont ouvertes sur les données de démonstration (des lignes dans chaque liste),
en superutilisateur, en agent et en régisseur.
"""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from portail.noyau.models import User

from ..factories import FamilleFactory

pytestmark = pytest.mark.django_db


def _compte(username: str, groupe: str | None, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username, password="Mot-De-Passe-2026", is_staff=True, is_superuser=superuser
    )
    if groupe:
        user.groups.add(Group.objects.get(name=groupe))
    return user


def _pages(user: User) -> list[tuple[str, str]]:
    """(nom lisible, URL) : liste, ajout et fiche du premier objet de chaque modèle."""
    requete = RequestFactory().get("/admin/")
    requete.user = user
    pages = [("accueil", reverse("admin:index"))]
    for modele, modele_admin in admin.site._registry.items():
        info = f"{modele._meta.app_label}_{modele._meta.model_name}"
        pages.append((f"{info} liste", reverse(f"admin:{info}_changelist")))
        pages.append((f"{info} ajout", reverse(f"admin:{info}_add")))
        premier = modele_admin.get_queryset(requete).order_by("pk").first()
        if premier is not None:
            pages.append((f"{info} fiche", reverse(f"admin:{info}_change", args=[premier.pk])))
            pages.append(
                (f"{info} historique", reverse(f"admin:{info}_history", args=[premier.pk]))
            )
    return pages


@pytest.fixture
def donnees_demo(db):
    call_command("demo", stdout=StringIO())


@pytest.mark.parametrize(
    ("groupe", "superuser"),
    [(None, True), ("agent", False), ("régisseur", False), ("administrateur", False)],
)
def test_aucune_page_admin_en_erreur(client, donnees_demo, groupe, superuser):
    user = _compte("personnel-test", groupe, superuser)
    client.force_login(user)
    erreurs = []
    for nom, url in _pages(User.objects.get(username="admin")):
        reponse = client.get(url)
        if reponse.status_code not in (200, 403):
            erreurs.append(f"{nom} {url} → {reponse.status_code}")
    assert erreurs == []


def test_agent_ne_touche_ni_configuration_ni_facturation(client, donnees_demo):
    client.force_login(_compte("agent-2", "agent"))
    assert client.get(reverse("admin:portail_configuration_changelist")).status_code == 403
    assert client.get(reverse("admin:facturation_reglement_add")).status_code == 403
    assert client.get(reverse("admin:facturation_reglement_enregistrer")).status_code == 403
    assert client.get(reverse("admin:demandes_demande_changelist")).status_code == 200
    assert client.get(reverse("admin:reservations_pointage")).status_code == 200
    assert client.get(reverse("admin:reservations_effectifs")).status_code == 200


def test_regisseur_facture_mais_ne_configure_pas(client, donnees_demo):
    client.force_login(_compte("regisseur-2", "régisseur"))
    assert client.get(reverse("admin:portail_configuration_changelist")).status_code == 403
    assert client.get(reverse("admin:facturation_reglement_enregistrer")).status_code == 200
    assert client.get(reverse("admin:facturation_facture_changelist")).status_code == 200


def test_accueil_admin_montre_le_travail_du_jour(client, donnees_demo):
    client.force_login(_compte("agent-3", "agent"))
    reponse = client.get(reverse("admin:index"))
    texte = reponse.content.decode()
    assert "Travail du jour" in texte
    attente = Demande.objects.filter(statut="en_attente").count()
    assert f"Demandes en attente ({attente})" in texte
    assert reverse("admin:reservations_pointage") in texte
    assert reverse("admin:reservations_effectifs") in texte
    # L'agent ne tient pas la régie : pas de lien vers l'enregistrement des règlements.
    assert reverse("admin:facturation_reglement_enregistrer") not in texte

    client.force_login(_compte("regisseur-3", "régisseur"))
    texte = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:facturation_reglement_enregistrer") in texte


@pytest.mark.parametrize("nombre", [1, 60])
def test_accueil_admin_en_nombre_fixe_de_requetes(
    client, configuration, django_assert_max_num_queries, nombre
):
    for _ in range(nombre):
        Demande.objects.create(famille=FamilleFactory(), type="renseignements", resume="x")
    client.force_login(_compte("agent-4", "agent"))
    with django_assert_max_num_queries(10):
        reponse = client.get(reverse("admin:index"))
    assert f"Demandes en attente ({nombre})" in reponse.content.decode()


def test_agent_tient_les_actualites(client, donnees_demo):
    client.force_login(_compte("agent-5", "agent"))
    assert client.get(reverse("admin:portail_actualite_changelist")).status_code == 200
    assert client.get(reverse("admin:portail_actualite_add")).status_code == 200


def test_historique_d_une_famille_en_francais(client, donnees_demo):
    from familles.models import Famille

    client.force_login(_compte("agent-6", "agent"))
    famille = Famille.objects.get(nom="DUPONT")
    reponse = client.get(reverse("admin:familles_famille_history", args=[famille.pk]))
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert "None" not in texte
    assert timezone.localdate().strftime("%d/%m/%Y") in texte
    assert "Système (import, tâche automatique)" in texte


def test_agent_debloque_un_compte(client, donnees_demo):
    from axes.models import AccessAttempt

    tentative = AccessAttempt.objects.create(
        username="jean.dupont@example.fr",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/comptes/connexion/",
    )
    client.force_login(_compte("agent-7", "agent"))
    reponse = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [tentative.pk], "post": "yes"},
    )
    assert reponse.status_code == 302
    assert not AccessAttempt.objects.filter(pk=tentative.pk).exists()


def test_enregistrer_un_reglement_sans_mode_par_defaut(client, donnees_demo):
    from facturation.models import Facture, Reglement
    from familles.models import Famille

    client.force_login(_compte("regisseur-4", "régisseur"))
    url = reverse("admin:facturation_reglement_enregistrer")
    texte = client.get(url).content.decode()
    facture = Facture.objects.get(numero="CA000153")
    # Chaque facture se reconnaît à sa famille et à son montant.
    assert f"CA000153 — {facture.famille} — reste 17,00 € sur 17,00 €" in texte
    assert 'type="date"' in texte
    avant = Reglement.objects.count()
    reponse = client.post(
        url,
        {
            "famille": Famille.objects.get(nom="DUPONT").pk,
            "regie": facture.regie_id,
            "date": "2026-11-20",
            "mode": "",
            "montant": "17.00",
        },
    )
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire." in reponse.content.decode()
    assert Reglement.objects.count() == avant


def test_titres_des_listes_lisibles(client, donnees_demo):
    client.force_login(_compte("agent-8", "agent"))
    texte = client.get(reverse("admin:demandes_message_changelist")).content.decode()
    assert "<h1>Messages</h1>" in texte
    assert "Sélectionnez l" not in texte.split("<h1>")[1].split("</h1>")[0]
    texte = client.get(reverse("admin:demandes_demande_changelist")).content.decode()
    assert "<h1>Demandes des familles</h1>" in texte
