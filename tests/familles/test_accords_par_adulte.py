"""Chaque adulte donne son propre accord e-mail / SMS, depuis « Mon compte » (une demande de
modification), et le voit sur sa fiche ; l'accord de l'autre adulte n'est pas touché."""

from django.test import Client
from django.urls import reverse

from demandes.models import Demande
from demandes.services import demande_accepter
from tests.factories import conjointe

from .outils import donnees_du_formulaire


def test_la_conjointe_change_son_accord_sans_toucher_a_celui_de_jean(famille, jean, agent):
    jeanne = conjointe(famille)
    client = Client()
    client.force_login(jeanne.compte)
    url = reverse("familles:modifier_adulte", args=[jeanne.pk]) + "?suite=mon_compte"
    donnees = donnees_du_formulaire(client.get(url), accepte_email=False, accepte_sms=True)
    assert client.post(url, donnees).status_code == 302
    demande = Demande.objects.get()
    assert demande.cree_par == jeanne.compte
    assert {(ligne.champ, ligne.donnees["modele"]) for ligne in demande.lignes.all()} == {
        ("accepte_email", "familles.responsable"),
        ("accepte_sms", "familles.responsable"),
    }
    demande_accepter(demande=demande, agent=agent)
    jeanne.refresh_from_db()
    jean.refresh_from_db()
    assert (jeanne.accepte_email, jeanne.accepte_sms) == (False, True)
    assert (jean.accepte_email, jean.accepte_sms) == (True, False)
    texte = client.get(reverse("familles:mon_compte")).content.decode()
    assert "Autorisation SMS" in texte


def test_le_responsable_principal_change_son_propre_accord(client_parent, famille, jean, agent):
    url = reverse("familles:modifier_adulte", args=[jean.pk])
    donnees = donnees_du_formulaire(client_parent.get(url), accepte_email=False)
    assert client_parent.post(url, donnees).status_code == 302
    demande_accepter(demande=Demande.objects.get(), agent=agent)
    jean.refresh_from_db()
    assert jean.accepte_email is False
    assert famille.adresses_a_ecrire() == []
