"""Boîte de réception coupée par la commune : chaque vue (boîte, message, écrire, répondre,
supprimer, restaurer, pièce jointe) répond 404, par le seul mécanisme d'interrupteur."""

from django.urls import reverse

from tests.interrupteurs import Vue, verifier_coupure
from tests.securite import objets


def test_boite_coupee_ferme_chaque_vue(client_parent, famille):
    message = objets.message(famille)
    verifier_coupure(
        client_parent,
        "messages_actifs",
        [
            Vue(reverse("demandes:messages")),
            Vue(reverse("demandes:message", args=[message.pk])),
            Vue(reverse("demandes:message_ecrire")),
            Vue(reverse("demandes:message_ecrire"), "post", {"sujet": "", "texte": ""}),
            Vue(f"{reverse('demandes:message_ecrire')}?reponse={message.pk}"),
            Vue(reverse("demandes:message_supprimer", args=[message.pk]), "post"),
            Vue(reverse("demandes:message_restaurer", args=[message.pk]), "post"),
            Vue(reverse("demandes:message_piece_jointe", args=[message.pk])),
        ],
    )
