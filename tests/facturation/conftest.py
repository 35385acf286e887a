import pytest

from .factories import regie_cantine


@pytest.fixture
def cantine(db):
    """(régie CA, unité Repas à 3,40 €)."""
    return regie_cantine()
