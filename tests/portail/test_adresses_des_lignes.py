"""``{% adresse %}`` : l'adresse d'une ligne dans une boucle, la même que ``{% url %}``."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.urls.base import set_script_prefix

from portail.templatetags.portail import adresse

NOMS = [
    "demandes:detail",
    "demandes:supprimer",
    "demandes:message",
    "familles:modifier_enfant",
    "pieces:fichier",
    "facturation:facture_pdf",
]


@pytest.mark.parametrize("nom", NOMS)
@pytest.mark.parametrize("pk", [1, 10, 987654321, 12345678901])
def test_la_meme_adresse_que_reverse(nom, pk):
    assert adresse(nom, pk) == reverse(nom, args=[pk])


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
