"""Les pages d'admin des pièces, des messages et des infos s'ouvrent et enregistrent."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.models import Message
from pieces.models import DocumentTelechargeable, TypePiece
from portail.noyau.models import Actualite
from tests.factories import compte_de


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:pieces_typepiece_changelist",
        "admin:pieces_typepiece_add",
        "admin:pieces_piece_changelist",
        "admin:pieces_documenttelechargeable_changelist",
        "admin:pieces_documenttelechargeable_add",
        "admin:demandes_message_changelist",
        "admin:demandes_message_ecrire",
        "admin:portail_actualite_changelist",
        "admin:portail_actualite_add",
    ],
)
def test_page_admin_ouverte(client_agent, famille, url_name):
    Message.objects.create(famille=famille, direction="famille", sujet="Question", texte="T")
    assert client_agent.get(reverse(url_name)).status_code == 200


def test_type_de_piece_en_mois_exige_une_duree(client_agent, cantine):
    url = reverse("admin:pieces_typepiece_add")
    donnees = {"nom": "Attestation", "portee": "famille", "validite": "mois", "ordre": 0}
    reponse = client_agent.post(url, {**donnees, "activites": [cantine.pk], "actif": "on"})
    assert reponse.status_code == 200
    assert TypePiece.objects.count() == 0
    client_agent.post(url, {**donnees, "duree_mois": 6, "activites": [cantine.pk], "actif": "on"})
    assert TypePiece.objects.get().duree_mois == 6


def test_un_formulaire_a_telecharger_est_controle_par_son_contenu(client_agent, client, famille):
    url = reverse("admin:pieces_documenttelechargeable_add")
    faux = SimpleUploadedFile("formulaire.pdf", b"<html>piege</html>")
    reponse = client_agent.post(url, {"titre": "Formulaire", "fichier": faux, "ordre": 0})
    assert "pages web" in reponse.content.decode()
    assert DocumentTelechargeable.objects.count() == 0
    vrai = SimpleUploadedFile("formulaire.pdf", b"%PDF-1.4\n%%EOF\n")
    client_agent.post(url, {"titre": "Formulaire", "fichier": vrai, "ordre": 0, "actif": "on"})
    document = DocumentTelechargeable.objects.get()
    lien = reverse("pieces:document", args=[document.pk])
    client.force_login(compte_de(famille))
    reponse = client.get(lien)
    assert reponse["Content-Disposition"] == 'attachment; filename="formulaire.pdf"'
    assert lien in client.get(reverse("pieces:liste")).content.decode()
    client.logout()
    assert client.get(lien).status_code == 404


def test_une_actualite_aux_dates_inversees_est_refusee_dans_l_admin(client_agent):
    reponse = client_agent.post(
        reverse("admin:portail_actualite_add"),
        {"titre": "X", "affichee_du": "02/11/2026", "affichee_au": "01/11/2026"},
    )
    assert reponse.content.decode().count("La date de fin doit suivre la date de début.") == 1
    assert Actualite.objects.count() == 0
    client_agent.post(
        reverse("admin:portail_actualite_add"), {"titre": "X", "affichee_du": "02/11/2026"}
    )
    assert Actualite.objects.get().affichee_du == date(2026, 11, 2)


def test_le_message_de_contrainte_est_en_francais_et_unique(client_agent, cantine):
    reponse = client_agent.post(
        reverse("admin:pieces_typepiece_add"),
        {"nom": "Attestation", "portee": "famille", "validite": "mois", "ordre": 0},
    )
    assert reponse.content.decode().count("Indiquez la durée de validité en mois.") == 1
