"""La fiche d'inscription PDF : vierge et pré-remplie, relue avec pypdf."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from familles.models import PersonneAutorisee


def _texte(reponse) -> str:
    assert reponse["Content-Type"] == "application/pdf"
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return "\n".join(page.extract_text() for page in lecteur.pages)


def test_fiche_pre_remplie_contient_l_enfant_et_son_dossier(client_parent, famille, lise):
    lise.allergies = "Arachide"
    lise.medecin_nom = "Dr Lemaire"
    lise.save()
    PersonneAutorisee.objects.create(
        enfant=lise,
        famille=lise.famille,
        nom="DURAND",
        prenom="Mamie",
        telephone="06 11 22 33 44",
        lien="Grand-mère",
    )
    reponse = client_parent.get(reverse("pieces:fiche_inscription", args=[lise.pk]))
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Fiche d'inscription" in texte
    assert "Lise" in texte and "DUPONT" in texte
    assert "Arachide" in texte and "Dr Lemaire" in texte
    assert "DURAND Mamie" in texte and "Grand-mère" in texte
    assert "Jean" in texte  # le responsable
    assert f"Famille n° {famille.numero}" in texte


def test_champ_vide_donne_une_ligne_a_remplir_jamais_aucun(client_parent, lise):
    lise.allergies = ""
    lise.regime_alimentaire = ""
    lise.save()
    texte = _texte(client_parent.get(reverse("pieces:fiche_inscription", args=[lise.pk])))
    assert "Allergies" in texte and "Régime alimentaire" in texte
    assert "Aucune" not in texte and "Aucun" not in texte
    lignes = texte.splitlines()
    # La ligne de l'intitulé ne porte aucune valeur : elle reste à remplir.
    assert "Allergies" in lignes and "Régime alimentaire" in lignes


def test_fiche_vierge(client_parent):
    reponse = client_parent.get(reverse("pieces:fiche_inscription_vierge"))
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Fiche vierge" in texte
    assert "Remplissez une fiche par enfant." in texte
    assert "Lise" not in texte


def test_fiche_d_un_enfant_d_une_autre_famille_404(client_parent, autre_famille):
    hugo = autre_famille.enfants.get()
    assert client_parent.get(reverse("pieces:fiche_inscription", args=[hugo.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["pieces:fiche_inscription_vierge"])
def test_anonyme_renvoye_vers_la_connexion(client, configuration, url_name):
    assert client.get(reverse(url_name)).status_code == 302


def test_fiche_en_nombre_fixe_de_requetes(client_parent, lise, django_assert_max_num_queries):
    for i in range(10):
        PersonneAutorisee.objects.create(
            enfant=lise, famille=lise.famille, nom=f"N{i}", prenom="P", telephone="06"
        )
    url = reverse("pieces:fiche_inscription", args=[lise.pk])
    client_parent.get(url)
    with django_assert_max_num_queries(6):
        client_parent.get(url)
