"""Les infos de la mairie : dates d'affichage, accueil, page « Infos »."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from portail.actualites import actualites_visibles
from portail.noyau.models import Actualite


def _actualite(titre, du, au=None, **autres):
    return Actualite.objects.create(titre=titre, affichee_du=du, affichee_au=au, **autres)


@time_machine.travel(date(2026, 11, 25))
def test_seules_les_infos_dans_leurs_dates_sont_affichees(db):
    _actualite("Passée", date(2026, 10, 1), date(2026, 11, 24))
    _actualite("Dernier jour", date(2026, 11, 1), date(2026, 11, 25))
    _actualite("Sans fin", date(2026, 9, 1))
    _actualite("Future", date(2026, 11, 26))
    assert [a.titre for a in actualites_visibles()] == ["Dernier jour", "Sans fin"]
    assert [a.titre for a in actualites_visibles(date(2026, 11, 26))] == ["Future", "Sans fin"]


def test_dates_inversees_refusees(db):
    actualite = Actualite(titre="X", affichee_du=date(2026, 11, 2), affichee_au=date(2026, 11, 1))
    with pytest.raises(ValidationError):
        actualite.full_clean()
    with pytest.raises(IntegrityError):
        actualite.save()


@time_machine.travel(date(2026, 11, 25))
def test_accueil_et_page_infos(client_parent):
    _actualite(
        "Centre de loisirs",
        date(2026, 11, 1),
        texte="Programme des vacances.",
        lien="https://www.example.fr/alsh",
        libelle_lien="Le programme",
    )
    _actualite("Ancienne", date(2026, 1, 1), date(2026, 2, 1))
    accueil = client_parent.get(reverse("portail:accueil")).content.decode()
    assert "Centre de loisirs" in accueil and "Ancienne" not in accueil
    assert 'href="https://www.example.fr/alsh"' in accueil
    infos = client_parent.get(reverse("portail:infos")).content.decode()
    assert "Centre de loisirs" in infos and "Programme des vacances." in infos
    assert "Publiée le 01/11/2026" in infos
    assert "Ancienne" not in infos
    assert reverse("portail:infos") in accueil  # entrée de menu « Infos »
    assert reverse("pieces:fiche_inscription_vierge") in infos


def test_accueil_sans_info_n_affiche_pas_le_bloc(client_parent):
    assert (
        "Infos de la mairie" not in client_parent.get(reverse("portail:accueil")).content.decode()
    )


@pytest.mark.parametrize("nombre", [1, 30])
def test_page_infos_en_nombre_fixe_de_requetes(
    client_parent, nombre, django_assert_max_num_queries
):
    from pieces.models import DocumentTelechargeable

    for i in range(nombre):
        _actualite(f"Info {i}", date(2020, 1, 1))
        DocumentTelechargeable.objects.create(titre=f"Formulaire {i}", fichier="documents/f.pdf")
    client_parent.get(reverse("portail:infos"))
    with django_assert_max_num_queries(5):
        assert client_parent.get(reverse("portail:infos")).status_code == 200


def test_page_infos_demande_une_connexion(client, configuration):
    assert client.get(reverse("portail:infos")).status_code == 302


def test_page_infos_liste_les_formulaires_a_telecharger(client_parent):
    from pieces.models import DocumentTelechargeable

    document = DocumentTelechargeable.objects.create(
        titre="Fiche sanitaire", description="À rendre en septembre", fichier="documents/f.pdf"
    )
    DocumentTelechargeable.objects.create(titre="Ancien", fichier="documents/g.pdf", actif=False)
    texte = client_parent.get(reverse("portail:infos")).content.decode()
    lien = reverse("pieces:document", args=[document.pk])
    assert f'<a href="{lien}">Fiche sanitaire</a> — À rendre en septembre' in texte
    assert "Ancien" not in texte


def test_formulaires_gardes_en_memoire_jusqu_au_prochain_enregistrement(
    client_parent, django_assert_num_queries
):
    """Les formulaires de la commune sont lus une fois par processus ; un document ajouté,
    retiré ou modifié (admin) apparaît à la visite suivante."""
    from pieces.models import DocumentTelechargeable

    document = DocumentTelechargeable.objects.create(
        titre="Fiche sanitaire", fichier="documents/f.pdf"
    )
    adresse = reverse("portail:infos")
    assert "Fiche sanitaire" in client_parent.get(adresse).content.decode()
    with django_assert_num_queries(1):  # le compte seul : actualités et formulaires gardés
        client_parent.get(adresse)
    document.titre = "Fiche sanitaire 2026"
    document.save()
    assert "Fiche sanitaire 2026" in client_parent.get(adresse).content.decode()
    document.actif = False
    document.save()
    assert "Fiche sanitaire" not in client_parent.get(adresse).content.decode()
    DocumentTelechargeable.objects.create(titre="Règlement intérieur", fichier="documents/r.pdf")
    assert "Règlement intérieur" in client_parent.get(adresse).content.decode()
