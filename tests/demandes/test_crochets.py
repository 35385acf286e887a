"""Refus et annulation : deux crochets distincts du type de demande.

Le type de test écrit dans la fiche Famille (vraie base) : le refus met la ville à
« REFUSÉE », l'annulation à « ANNULÉE ». Ainsi on lit en base quel crochet a tourné.
"""

import pytest
from django.core.exceptions import ValidationError

from demandes.models import StatutDemande
from demandes.services import demande_annuler, demande_refuser
from familles.models import Famille
from portail.noyau.registre import Branchement, TypeDemande, brancher, debrancher

from .conftest import _appliquer
from .factories import demande_famille


def _marquer(demande, ville: str) -> None:
    Famille.objects.filter(pk=demande.famille_id).update(ville=ville)


def _refuser(*, demande) -> None:
    # L'agent n'est pas un argument du crochet : il est déjà posé sur la demande.
    agent = demande.traite_par
    _marquer(demande, "REFUSÉE PAR UN AGENT" if agent is not None else "REFUSÉE AUTOMATIQUEMENT")


def _annuler(*, demande) -> None:
    _marquer(demande, "ANNULÉE")


@pytest.fixture
def type_avec_crochets():
    brancher(
        Branchement(
            "tests_crochets",
            types_demande=(
                TypeDemande(
                    code="test_crochets",
                    libelle="Crochets (test)",
                    appliquer=_appliquer,
                    refuser=_refuser,
                    annuler=_annuler,
                ),
            ),
        )
    )
    yield
    debrancher("tests_crochets")


def _ville(famille) -> str:
    famille.refresh_from_db()
    return famille.ville


@pytest.mark.usefixtures("type_avec_crochets")
def test_l_annulation_par_la_famille_appelle_annuler_et_jamais_refuser(famille):
    demande = demande_famille(famille, type="test_crochets")
    demande = demande_annuler(demande=demande, famille=famille)
    assert demande.statut == StatutDemande.ANNULEE
    assert _ville(famille) == "ANNULÉE"


@pytest.mark.usefixtures("type_avec_crochets")
def test_le_refus_automatique_sans_agent_appelle_refuser(famille):
    demande = demande_famille(famille, type="test_crochets")
    demande = demande_refuser(demande=demande, motif="Règle automatique.", automatique=True)
    assert demande.statut == StatutDemande.REFUSEE and demande.traitement_automatique
    assert _ville(famille) == "REFUSÉE AUTOMATIQUEMENT"


@pytest.mark.usefixtures("type_avec_crochets")
def test_le_refus_par_un_agent_appelle_refuser(famille, agent):
    demande = demande_famille(famille, type="test_crochets")
    demande_refuser(demande=demande, agent=agent, motif="Incomplet.")
    assert _ville(famille) == "REFUSÉE PAR UN AGENT"


def test_un_type_sans_crochet_annuler_s_annule_sans_rien_d_autre(famille):
    ville = famille.ville
    demande = demande_annuler(demande=demande_famille(famille), famille=famille)
    assert demande.statut == StatutDemande.ANNULEE
    assert _ville(famille) == ville


@pytest.mark.usefixtures("type_avec_crochets")
def test_annuler_une_demande_d_une_autre_famille_ne_change_rien(famille, autre_famille):
    demande = demande_famille(famille, type="test_crochets")
    with pytest.raises(ValidationError, match="n'appartient pas à votre famille"):
        demande_annuler(demande=demande, famille=autre_famille)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE
    assert _ville(famille) != "ANNULÉE"
