"""Un compte par adulte : chaque demande et chaque message dit quel adulte l'a envoyé
(historique, détail, boîte de réception, admin, e-mail de réponse), et les e-mails suivent
l'accord de chaque adulte."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demandes.models import Direction
from demandes.services import demande_accepter, message_diffuser, message_envoyer
from familles.models import Famille
from tests.factories import compte_de, conjointe

from .factories import demande_famille

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def jeanne(famille):
    return conjointe(famille)


@pytest.fixture
def client_jeanne(jeanne):
    client = Client()
    client.force_login(jeanne.compte)
    return client


def _ecrire(famille, sujet: str, *, de_la_mairie: bool = False, **message):
    direction = Direction.MAIRIE_VERS_FAMILLE if de_la_mairie else Direction.FAMILLE_VERS_MAIRIE
    return message_envoyer(famille=famille, direction=direction, sujet=sujet, texte="…", **message)


def _nombre_de_requetes(client, url) -> int:
    client.get(url)  # les caches (configuration, session) pleins : seule la page compte
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_l_historique_dit_quel_adulte_a_fait_chaque_demande_sans_requete_par_ligne(
    client_parent, famille, jeanne
):
    demande_famille(famille, resume="Demande de Jean")
    demande_famille(famille, resume="Demande de Jeanne", auteur=jeanne.compte)
    url = reverse("demandes:historique")
    avant = _nombre_de_requetes(client_parent, url)
    texte = client_parent.get(url).content.decode()
    assert "demandée par Jeanne DUPONT" in texte and "demandée par Jean DUPONT" in texte
    for i in range(6):
        demande_famille(famille, resume=f"Encore {i}", auteur=jeanne.compte)
    assert _nombre_de_requetes(client_parent, url) == avant
    texte = client_parent.get(url, {"statut": "en_attente"}).content.decode()
    assert "Jeanne DUPONT" in texte


def test_le_detail_dit_qui_a_demande(client_jeanne, famille, jeanne):
    demande = demande_famille(famille, auteur=jeanne.compte)
    texte = client_jeanne.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert "Demandée par</dt><dd" in texte and "Jeanne DUPONT" in texte


def test_la_boite_de_reception_dit_quel_adulte_a_ecrit(client_parent, famille, jeanne):
    question = _ecrire(famille, "Question de Jeanne", auteur=jeanne.compte)
    reponse = _ecrire(famille, "Re : Question", de_la_mairie=True, parent=question)
    _ecrire(famille, "Merci", parent=reponse, auteur=compte_de(famille))
    boite = client_parent.get(reverse("demandes:messages"), {"rubrique": "envoyes"})
    texte = boite.content.decode()
    assert "Envoyé à la mairie par Jeanne DUPONT" in texte
    assert "Envoyé à la mairie par Jean DUPONT" in texte
    texte = client_parent.get(reverse("demandes:message", args=[question.pk])).content.decode()
    assert "Message envoyé à la mairie par Jeanne DUPONT" in texte
    texte = client_parent.get(reverse("demandes:message", args=[reponse.pk])).content.decode()
    assert "Réponse de Jean DUPONT" in texte


def test_l_admin_montre_qui_a_demande_et_qui_a_ecrit(client_agent, famille, jeanne):
    demande = demande_famille(famille, auteur=jeanne.compte)
    message = _ecrire(famille, "Question", auteur=jeanne.compte)
    liste = client_agent.get(reverse("admin:demandes_demande_changelist")).content.decode()
    assert "Demandé par" in liste and "Jeanne DUPONT" in liste
    fiche = client_agent.get(reverse("admin:demandes_demande_change", args=[demande.pk]))
    assert "Jeanne DUPONT" in fiche.content.decode()
    liste = client_agent.get(reverse("admin:demandes_message_changelist")).content.decode()
    assert "Écrit par" in liste and "Jeanne DUPONT" in liste
    fiche = client_agent.get(reverse("admin:demandes_message_change", args=[message.pk]))
    assert "Jeanne DUPONT" in fiche.content.decode()


def test_l_admin_montre_les_auteurs_en_un_nombre_fixe_de_requetes(client_agent, famille, jeanne):
    demande_famille(famille, auteur=jeanne.compte)
    url = reverse("admin:demandes_demande_changelist")
    avant = _nombre_de_requetes(client_agent, url)
    for _ in range(5):
        demande_famille(famille, auteur=jeanne.compte)
    assert _nombre_de_requetes(client_agent, url) == avant


def test_la_reponse_va_a_l_adulte_qui_a_demande_et_le_nomme(
    famille, jeanne, agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=PARIS), tick=False):
        demande = demande_famille(famille, auteur=jeanne.compte)
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=demande, agent=agent)
    (courriel,) = mail.outbox
    assert courriel.to == ["jeanne.dupont@example.fr"]
    assert "du 02/12/2026 (demandée par Jeanne DUPONT) a été traitée" in courriel.body
    assert "elle a été acceptée" in courriel.body
    assert "(demandée par Jeanne DUPONT)" in courriel.alternatives[0][0]


def test_l_accord_e_mail_est_celui_de_chaque_adulte(
    famille, jeanne, agent, django_capture_on_commit_callbacks
):
    jeanne.accepte_email = False
    jeanne.save(update_fields=["accepte_email"])
    demande = demande_famille(famille, auteur=jeanne.compte)
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=demande, agent=agent)
    # Jeanne refuse : rien ne part, même si Jean accepte les e-mails.
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _ecrire(famille, "Info", de_la_mairie=True)
        message_diffuser(audience="toutes", sujet="Fermeture", texte="La mairie ferme.")
    assert [m.to for m in mail.outbox] == [[famille.email], [famille.email]]
    jeanne.accepte_email = True
    jeanne.save(update_fields=["accepte_email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _ecrire(famille, "Info 2", de_la_mairie=True)
    assert sorted(mail.outbox[0].to) == sorted([famille.email, "jeanne.dupont@example.fr"])


def test_un_foyer_dont_aucun_adulte_n_accepte_les_e_mails_n_en_recoit_aucun(famille, jeanne):
    famille.responsables.update(accepte_email=False)
    famille = Famille.objects.prefetch_related("responsables__compte").get(pk=famille.pk)
    assert famille.adresses_a_ecrire() == []
    assert famille.adresses_a_ecrire(auteur=jeanne.compte) == []


def test_le_compte_d_un_foyer_n_a_plus_qu_une_porte():
    # Chaque adulte a son compte (Responsable.compte) : plus de Famille.compte.
    assert not hasattr(Famille, "compte")
