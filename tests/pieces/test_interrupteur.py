"""Pièces coupées par la commune : chaque vue (liste, transmission, fichier, formulaire à
télécharger, fiches d'inscription en PDF) répond 404, par le seul mécanisme d'interrupteur."""

from django.core.files.base import ContentFile
from django.urls import reverse

from pieces.models import DocumentTelechargeable
from tests.interrupteurs import Vue, verifier_coupure
from tests.reservations.factories_planning import PDF
from tests.securite import objets


def test_pieces_coupees_ferment_chaque_vue(client_parent, famille):
    piece = objets.piece(famille)
    document = DocumentTelechargeable(titre="Règlement intérieur", actif=True)
    document.fichier.save("reglement.pdf", ContentFile(PDF), save=False)
    document.save()
    lise = famille.enfants.get()
    verifier_coupure(
        client_parent,
        "pieces_actives",
        [
            Vue(reverse("pieces:liste")),
            Vue(reverse("pieces:transmettre")),
            Vue(reverse("pieces:transmettre"), "post", {"commentaire": "x"}),
            Vue(reverse("pieces:fichier", args=[piece.pk])),
            Vue(reverse("pieces:document", args=[document.pk])),
            Vue(reverse("pieces:fiche_inscription_vierge")),
            Vue(reverse("pieces:fiche_inscription", args=[lise.pk])),
        ],
    )
