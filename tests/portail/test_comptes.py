import html
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portail.groupes import ADMINISTRATEUR, AGENT, REGISSEUR, groupes_mettre_a_jour
from portail.noyau.models import User
from tests.factories import MOT_DE_PASSE, UserFactory, compte_de

NOUVEAU = "Nouveau-Carnin-2026"


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _lien_du_mail(corps: str) -> str:
    lien = re.search(r"https?://[^\s]+/compte/password/reset/key/[^\s]+/", corps)
    assert lien, corps
    return lien.group(0).split("testserver", 1)[-1]


# --- Connexion ------------------------------------------------------------------------


def test_page_de_connexion_en_francais(client, configuration):
    page = texte(client.get(reverse("account_login")))
    assert "Identifiant (numéro de famille ou e-mail)" in page
    assert "Mot de passe" in page
    assert "Mot de passe oublié ?" in page
    assert 'href="/compte/password/reset/"' in page
    assert "portail@example.fr" in page


@pytest.mark.parametrize("identifiant", ["numero", "email"])
def test_connexion_par_numero_de_famille_ou_par_email(client, famille, identifiant):
    valeur = famille.numero if identifiant == "numero" else compte_de(famille).email.upper()
    reponse = client.post(reverse("account_login"), {"login": valeur, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("portail:accueil")
    assert client.get(reverse("portail:accueil")).status_code == 200


def test_mauvais_mot_de_passe_message_francais(client, famille):
    reponse = client.post(
        reverse("account_login"), {"login": famille.numero, "password": "Mauvais-2026"}
    )
    assert reponse.status_code == 200
    assert "L'identifiant ou le mot de passe est incorrect." in texte(reponse)
    assert "_auth_user_id" not in client.session


def test_pas_d_inscription_ni_de_gestion_des_adresses(client, configuration):
    assert client.get("/compte/signup/").status_code == 404
    assert client.get("/compte/email/").status_code == 404


def test_mot_de_passe_provisoire_expire_refuse(client, famille):
    compte = compte_de(famille)
    compte.doit_changer_mot_de_passe = True
    compte.mot_de_passe_temporaire_expire_le = timezone.now() - timezone.timedelta(hours=1)
    compte.save()
    reponse = client.post(
        reverse("account_login"), {"login": famille.numero, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 200
    assert "Votre mot de passe provisoire a expiré" in texte(reponse)
    assert "_auth_user_id" not in client.session


# --- Première connexion -----------------------------------------------------------------


@pytest.fixture
def client_premiere(client, famille):
    compte = compte_de(famille)
    compte.doit_changer_mot_de_passe = True
    compte.cgu_version = ""
    compte.save()
    client.post(reverse("account_login"), {"login": famille.numero, "password": MOT_DE_PASSE})
    return client


def test_premiere_connexion_bloque_les_autres_pages(client_premiere):
    for url in (reverse("portail:accueil"), reverse("account_change_password"), "/inconnue/"):
        reponse = client_premiere.get(url)
        assert reponse.status_code == 302, url
        assert reponse["Location"] == reverse("portail:premiere_connexion")
    assert client_premiere.get(reverse("portail:premiere_connexion")).status_code == 200
    # Les conditions restent lisibles avant de les accepter.
    assert client_premiere.get(reverse("portail:conditions")).status_code == 200


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"nouveau_mot_de_passe": NOUVEAU, "confirmation": NOUVEAU}, "Vous devez accepter"),
        (
            {"nouveau_mot_de_passe": NOUVEAU, "confirmation": "Autre-2026x", "accepte_cgu": "on"},
            "ne sont pas identiques",
        ),
        (
            {"nouveau_mot_de_passe": "court1A", "confirmation": "court1A", "accepte_cgu": "on"},
            "au moins 8 caractères",
        ),
        (
            {
                "nouveau_mot_de_passe": "sansmajuscule1",
                "confirmation": "sansmajuscule1",
                "accepte_cgu": "on",
            },
            "au moins une lettre majuscule",
        ),
    ],
)
def test_premiere_connexion_refuse_sans_rien_changer(client_premiere, famille, donnees, message):
    reponse = client_premiere.post(reverse("portail:premiere_connexion"), donnees)
    assert reponse.status_code == 200
    assert message in texte(reponse)
    compte = User.objects.get(pk=compte_de(famille).pk)
    assert compte.doit_changer_mot_de_passe
    assert compte.cgu_acceptees_le is None
    assert compte.check_password(MOT_DE_PASSE)


def test_premiere_connexion_enregistre_mot_de_passe_et_conditions(client_premiere, famille):
    avant = timezone.now()
    reponse = client_premiere.post(
        reverse("portail:premiere_connexion"),
        {"nouveau_mot_de_passe": NOUVEAU, "confirmation": NOUVEAU, "accepte_cgu": "on"},
    )
    assert reponse["Location"] == reverse("portail:accueil")
    compte = User.objects.get(pk=compte_de(famille).pk)
    assert not compte.doit_changer_mot_de_passe
    assert compte.check_password(NOUVEAU)
    assert compte.cgu_version == "1"
    assert avant <= compte.cgu_acceptees_le <= timezone.now()
    # La session reste ouverte après le changement de mot de passe.
    assert client_premiere.get(reverse("portail:accueil")).status_code == 200


def test_nouvelle_version_des_conditions_a_accepter(client_parent, configuration):
    configuration.cgu_version = "2"
    configuration.save()
    from portail.noyau.configuration import vider_cache_configuration

    vider_cache_configuration()
    reponse = client_parent.get(reverse("portail:accueil"))
    assert reponse["Location"] == reverse("portail:premiere_connexion")
    page = texte(client_parent.get(reverse("portail:premiere_connexion")))
    assert "Nouveau mot de passe" not in page
    client_parent.post(reverse("portail:premiere_connexion"), {"accepte_cgu": "on"})
    assert client_parent.get(reverse("portail:accueil")).status_code == 200


# --- Gestion du compte, mot de passe oublié, déconnexion ------------------------------------


def test_gestion_du_compte_change_le_mot_de_passe(client_parent, famille):
    url = reverse("account_change_password")
    page = texte(client_parent.get(url))
    assert "Gestion du compte" in page
    mauvais = client_parent.post(
        url, {"oldpassword": MOT_DE_PASSE, "password1": "sanschiffre", "password2": "sanschiffre"}
    )
    assert "au moins un chiffre" in texte(mauvais)
    assert User.objects.get(pk=compte_de(famille).pk).check_password(MOT_DE_PASSE)
    client_parent.post(
        url, {"oldpassword": MOT_DE_PASSE, "password1": NOUVEAU, "password2": NOUVEAU}
    )
    assert User.objects.get(pk=compte_de(famille).pk).check_password(NOUVEAU)


def test_mot_de_passe_oublie_envoie_un_lien_qui_marche(client, famille):
    compte = compte_de(famille)
    compte.doit_changer_mot_de_passe = True
    compte.save()
    reponse = client.post(reverse("account_reset_password"), {"email": compte.email})
    assert reponse["Location"] == reverse("account_reset_password_done")
    (message,) = mail.outbox
    assert message.to == [compte.email]
    assert (
        message.subject == "Carnin (test) : choisir un nouveau mot de passe pour le Portail Famille"
    )
    assert f"Votre identifiant est {compte.username}." in message.body
    lien = _lien_du_mail(message.body)
    # allauth redirige vers la même page sans la clé dans l'adresse.
    page = client.get(lien, follow=True)
    assert "Choisir un nouveau mot de passe" in texte(page)
    url_formulaire = page.redirect_chain[-1][0] if page.redirect_chain else lien
    refuse = client.post(
        url_formulaire, {"password1": "sans-majuscule-1", "password2": "sans-majuscule-1"}
    )
    assert "au moins une lettre majuscule" in texte(refuse)
    reponse = client.post(url_formulaire, {"password1": NOUVEAU, "password2": NOUVEAU})
    assert reponse["Location"] == reverse("account_reset_password_from_key_done")
    compte.refresh_from_db()
    assert compte.check_password(NOUVEAU)
    # Le mot de passe provisoire est remplacé : seules les conditions restent à accepter.
    assert not compte.doit_changer_mot_de_passe
    # Le lien ne sert qu'une fois.
    assert "Lien non valable" in texte(client.get(lien, follow=True))


def test_mot_de_passe_oublie_adresse_inconnue_ne_revele_rien(client, configuration):
    reponse = client.post(reverse("account_reset_password"), {"email": "personne@example.fr"})
    assert reponse["Location"] == reverse("account_reset_password_done")
    (message,) = mail.outbox
    assert "aucun compte ne l'utilise" in message.body
    assert "/compte/password/reset/key/" not in message.body


def test_deconnexion_par_post_vers_le_site_de_la_commune(client_parent):
    assert client_parent.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in client_parent.session  # un GET ne déconnecte pas
    reponse = client_parent.post(reverse("account_logout"))
    assert reponse.status_code == 302
    assert reponse["Location"] == "https://www.example.fr/"
    assert client_parent.get(reverse("portail:accueil")).status_code == 302


# --- Blocage après 5 échecs --------------------------------------------------------------


def test_cinq_echecs_bloquent_l_identifiant_et_l_agent_debloque(client, famille, agent):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": famille.numero, "password": "Mauvais-2026"})
    bloque = client.post(url, {"login": famille.numero, "password": MOT_DE_PASSE})
    assert bloque.status_code == 429
    assert "Trop de tentatives de connexion" in texte(bloque)
    assert "_auth_user_id" not in client.session
    # Un autre identifiant n'est pas bloqué.
    autre = UserFactory(username="autre-parent", cgu_version="1")
    assert client.post(url, {"login": autre.username, "password": MOT_DE_PASSE}).status_code == 302
    client.logout()
    # L'agent débloque dans l'admin (action de suppression des tentatives d'axes).
    groupes_mettre_a_jour()
    agent.set_password(MOT_DE_PASSE)
    agent.save()
    client_agent = client.__class__()
    client_agent.force_login(agent)
    tentative = AccessAttempt.objects.get(username=famille.numero)
    liste = client_agent.get(reverse("admin:axes_accessattempt_changelist"))
    assert liste.status_code == 200
    reponse = client_agent.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [tentative.pk], "post": "yes"},
    )
    assert reponse.status_code == 302
    assert not AccessAttempt.objects.exists()
    reponse = client.post(url, {"login": famille.numero, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302


# --- Groupes du personnel ------------------------------------------------------------------


def test_groupes_crees_idempotents_avec_leurs_permissions(db):
    premier = groupes_mettre_a_jour()
    assert groupes_mettre_a_jour() == premier
    assert Group.objects.filter(name__in=[AGENT, REGISSEUR, ADMINISTRATEUR]).count() == 3
    agent = set(
        Group.objects.get(name=AGENT).permissions.values_list("content_type__app_label", "codename")
    )
    regisseur = set(
        Group.objects.get(name=REGISSEUR).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    admin = set(
        Group.objects.get(name=ADMINISTRATEUR).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("demandes", "change_demande") in agent
    assert ("familles", "change_famille") in agent
    assert ("axes", "delete_accessattempt") in agent
    assert not any(label == "facturation" for label, _ in agent)
    assert not any(code.startswith("delete_") for label, code in agent if label != "axes")
    assert ("portail", "change_configuration") not in agent
    assert ("portail", "change_actualite") in agent
    assert agent <= regisseur
    from django.contrib.auth.models import Permission

    facturation = set(
        Permission.objects.filter(
            content_type__app_label="facturation", codename__regex=r"^(view|add|change)_"
        ).values_list("content_type__app_label", "codename")
    )
    assert facturation <= regisseur
    assert not facturation & agent
    assert ("portail", "change_configuration") in admin
    assert ("portail", "change_user") in admin
    assert regisseur < admin


def test_mot_de_passe_de_l_admin_suit_la_regle(client_agent, famille):
    url = reverse("admin:auth_user_password_change", args=[compte_de(famille).pk]).replace(
        "auth/user", "portail/user"
    )
    reponse = client_agent.post(
        url,
        {"password1": "sansmajuscule1", "password2": "sansmajuscule1", "usable_password": "true"},
    )
    assert reponse.status_code == 200
    assert "au moins une lettre majuscule" in texte(reponse)
