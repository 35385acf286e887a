"""Le registre : une application déclarée par un seul Branchement apparaît au menu, à
l'accueil, dans l'historique, la boîte d'envoi des agents, la purge et la démo."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from portail.noyau.configuration import vider_cache_configuration
from portail.noyau.conservation import RegleConservation
from portail.noyau.interrupteurs import fonctionnalite_active, menu
from portail.noyau.models import Actualite, Configuration
from portail.noyau.registre import (
    Audience,
    BlocAccueil,
    Branchement,
    EntreeMenu,
    Interrupteur,
    TypeDemande,
    audiences,
    branchements,
    brancher,
    choix_types,
    debrancher,
    regles_conservation,
    type_demande,
)

RACINE = Path(__file__).resolve().parents[2]


def _appliquer(*, demande, lignes) -> str:
    return "Essai appliqué."


ESSAI = Branchement(
    application="essai",
    types_demande=(TypeDemande("essai", "Demande d'essai", appliquer=_appliquer),),
    menu=(EntreeMenu(99, "Essai du registre", "portail:conditions", "factures_actives"),),
    accueil=(
        BlocAccueil(
            99,
            "demandes/accueil_bloc.html",
            lambda request, famille: {"en_attente": 42},
            "factures_actives",
        ),
    ),
    audiences=(Audience("essai", "Les familles d'essai", lambda valeur: []),),
    conservation=lambda: [
        RegleConservation("Essai : infos passées", "portail.Actualite", "affichee_du", 30)
    ],
    demo=lambda: ["Essai chargé par le registre"],
    interrupteurs=(Interrupteur("factures_actives", "Factures"),),
)


@pytest.fixture
def essai():
    brancher(ESSAI)
    yield ESSAI
    debrancher("essai")


def test_une_application_branchee_apparait_au_menu_et_a_l_accueil(client_parent, essai):
    page = client_parent.get(reverse("portail:accueil")).content.decode()
    assert ">Essai du registre</a>" in page
    assert "42 demandes en attente" in page
    # Coupée par son interrupteur : menu et bloc disparaissent, par la même fonction.
    Configuration.objects.filter(pk=1).update(factures_actives=False)
    vider_cache_configuration()
    page = client_parent.get(reverse("portail:accueil")).content.decode()
    assert ">Essai du registre</a>" not in page
    assert "42 demandes en attente" not in page
    debrancher("essai")
    assert all(e.libelle != "Essai du registre" for e in menu())


def test_ses_types_et_audiences_sont_lus_par_demandes(essai):
    assert type_demande("essai").libelle == "Demande d'essai"
    assert ("essai", "Demande d'essai") in choix_types()
    assert "essai" in audiences()
    debrancher("essai")
    with pytest.raises(LookupError):
        type_demande("essai")


def test_ses_regles_sont_appliquees_par_la_purge(essai, configuration):
    vieille = Actualite.objects.create(titre="Vieille", affichee_du=date(2020, 1, 1))
    assert "Essai : infos passées" in {r.libelle for r in regles_conservation()}
    sortie = StringIO()
    call_command("purger", stdout=sortie)
    assert "Essai : infos passées" in sortie.getvalue()
    assert not Actualite.objects.filter(pk=vieille.pk).exists()


def test_son_chargeur_tourne_dans_la_demo_apres_les_autres(essai, db):
    sortie = StringIO()
    call_command("demo", stdout=sortie)
    texte = sortie.getvalue()
    assert "Essai chargé par le registre" in texte
    assert texte.index("jean.dupont@example.fr") < texte.index("Essai chargé par le registre")


def test_un_interrupteur_doit_etre_un_champ_booleen_declare(db):
    with pytest.raises(ValueError):
        brancher(Branchement("faux", interrupteurs=(Interrupteur("nom_commune", "Nom"),)))
    with pytest.raises(ValueError):
        fonctionnalite_active("inexistant")
    assert fonctionnalite_active("")  # pas d'interrupteur : toujours ouvert


def test_un_type_declare_deux_fois_est_refuse():
    with pytest.raises(ValueError, match="deux fois"):
        brancher(Branchement("doublon", types_demande=(type_demande("responsable"),)))
    # Rien n'a changé : le branchement fautif n'est pas gardé.
    assert "doublon" not in {b.application for b in branchements()}
    assert type_demande("responsable")


def test_le_socle_et_demandes_ne_decouvrent_aucune_application_par_son_nom():
    for dossier in ("portail", "demandes"):
        for fichier in (RACINE / dossier).rglob("*.py"):
            texte = fichier.read_text()
            for interdit in ("import_module", "find_spec", '.demo"', '.conservation"'):
                assert interdit not in texte, f"{fichier.relative_to(RACINE)} : {interdit}"
