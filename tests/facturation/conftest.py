from datetime import date

import pytest
import time_machine

from .factories import regie_cantine
from .prelevement import facture, mandat_signe, regie_sepa


@pytest.fixture
def cantine(db):
    """(régie CA, unité Repas à 3,40 €)."""
    return regie_cantine()


@pytest.fixture
def le_1er_decembre_2026():
    """Les tests du prélèvement : le 01/12/2026, prochain prélèvement le 05/01/2027."""
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


@pytest.fixture
def regie(cantine):
    """La régie de la cantine, qui propose le prélèvement (ICS, créancier, IBAN)."""
    return regie_sepa(cantine[0])


@pytest.fixture
def facture_a_prelever(famille, regie):
    """Une facture du 01/12/2026 de la famille, qui a signé son mandat."""
    mandat_signe(famille, regie)
    return facture(famille, regie, date(2026, 12, 1))
