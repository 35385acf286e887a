"""``{% adresse %}`` : l'adresse d'une ligne dans une boucle, la même que ``{% url %}``."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.urls.base import set_script_prefix

from portail.templatetags import portail


def adresse(nom, *entiers):
    """La balise telle qu'un gabarit l'appelle, dans un rendu neuf."""
    return portail.adresse(Context(), nom, *entiers)


NOMS = [
    "demandes:detail",
    "demandes:supprimer",
    "demandes:message",
    "familles:modifier_enfant",
    "pieces:fichier",
    "facturation:facture_pdf",
    "facturation:attestation_pdf",
    "facturation:mandat_pdf",
    "facturation:mandat_signer",
    "reservations:absence_certificat",
]


@pytest.mark.parametrize("nom", NOMS)
@pytest.mark.parametrize("pk", [1, 10, 987654321, 12345678901])
def test_la_meme_adresse_que_reverse(nom, pk):
    assert adresse(nom, pk) == reverse(nom, args=[pk])


@pytest.mark.parametrize(
    "entiers", [(1, 2026, 12), (987654321, 2000, 1), (12345678901, 2100, 9), (7, 987654322, 3)]
)
def test_plusieurs_entiers_la_meme_adresse_que_reverse(entiers):
    nom = "reservations:planning_mois"
    assert adresse(nom, *entiers) == reverse(nom, args=entiers)


def test_une_adresse_aux_entiers_attendus_seulement():
    # Un entier de trop : reverse() ne trouve pas l'adresse, la balise non plus.
    with pytest.raises(NoReverseMatch):
        adresse("demandes:detail", 1, 2)


def test_le_prefixe_est_lu_une_fois_par_rendu():
    """Dans un même rendu, le préfixe lu à la première adresse sert aux suivantes ; un rendu
    suivant relit celui du moment."""
    gabarit = Template(
        "{% load portail %}{% adresse 'demandes:detail' 1 %} {% adresse 'demandes:detail' 2 %}"
    )
    assert gabarit.render(Context()) == "/demandes/1/ /demandes/2/"
    set_script_prefix("/portail/")
    try:
        assert gabarit.render(Context()) == "/portail/demandes/1/ /portail/demandes/2/"
    finally:
        set_script_prefix("/")


def test_sous_un_prefixe_de_script():
    set_script_prefix("/portail/")
    try:
        assert (
            adresse("demandes:detail", 7)
            == "/portail/demandes/7/"
            == reverse("demandes:detail", args=[7])
        )
    finally:
        set_script_prefix("/")
    assert adresse("demandes:detail", 7) == "/demandes/7/"


def test_dans_un_gabarit():
    gabarit = Template("{% load portail %}{% adresse 'demandes:detail' d.pk %}")
    assert gabarit.render(Context({"d": {"pk": 3}})) == reverse("demandes:detail", args=[3])
    mois = Template("{% load portail %}{% adresse 'reservations:planning_mois' 5 d.year d.month %}")
    assert mois.render(Context({"d": {"year": 2026, "month": 2}})) == reverse(
        "reservations:planning_mois", args=[5, 2026, 2]
    )
