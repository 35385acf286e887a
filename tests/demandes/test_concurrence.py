"""Deux agents (ou un double clic) traitent la même demande en même temps : appliquée une fois.

Vraies transactions PostgreSQL dans deux fils d'exécution : le verrou select_for_update de
demande_accepter / demande_refuser fait attendre le second, qui trouve la demande traitée.
"""

import pytest

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_refuser
from familles.models import Famille
from tests.concurrence import en_parallele

from .conftest import APPLICATIONS, REGLAGES
from .factories import demande_famille


@pytest.mark.django_db(transaction=True)
def test_deux_acceptations_simultanees_appliquent_une_fois(famille, agent):
    demande = demande_famille(famille, ville="LENS")
    historique_avant = Famille.history.filter(id=famille.pk).count()
    # Le premier garde le verrou un moment : le second arrive forcément pendant.
    REGLAGES["pause"] = 0.5

    resultats = en_parallele(
        lambda: demande_accepter(demande=Demande.objects.get(pk=demande.pk), agent=agent),
        lambda: demande_accepter(demande=Demande.objects.get(pk=demande.pk), agent=agent),
    )

    assert sorted(resultats) == sorted(
        ["fait", f"La demande « {demande.resume} » a déjà été traitée (acceptée)."]
    )
    assert [demande.pk] == APPLICATIONS
    assert Famille.history.filter(id=famille.pk).count() == historique_avant + 1
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ACCEPTEE


@pytest.mark.django_db(transaction=True)
def test_acceptation_et_refus_simultanes_un_seul_gagne(famille, agent):
    demande = demande_famille(famille, ville="LENS")
    REGLAGES["pause"] = 0.3

    resultats = en_parallele(
        lambda: demande_accepter(demande=Demande.objects.get(pk=demande.pk), agent=agent),
        lambda: demande_refuser(
            demande=Demande.objects.get(pk=demande.pk), agent=agent, motif="Non."
        ),
    )

    assert resultats.count("fait") == 1
    demande.refresh_from_db()
    famille.refresh_from_db()
    if demande.statut == StatutDemande.ACCEPTEE:
        assert famille.ville == "LENS" and [demande.pk] == APPLICATIONS
    else:
        assert famille.ville == "CARNIN" and APPLICATIONS == []
