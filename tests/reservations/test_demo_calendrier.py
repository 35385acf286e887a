from io import StringIO

import pytest
from django.core.management import call_command

from reservations.calendrier import jours_feries
from reservations.models import JourOuverture, Unite

pytestmark = pytest.mark.django_db


def test_la_demo_genere_ses_jours_par_le_calendrier(configuration):
    call_command("demo", stdout=StringIO())
    avant = JourOuverture.objects.count()
    call_command("demo", stdout=StringIO())
    assert JourOuverture.objects.count() == avant > 0

    journee = Unite.objects.get(activite__nom="ALSH MERCREDI", nom="Journée")
    assert journee.jours_semaine == {2}
    jours = list(JourOuverture.objects.filter(unite=journee).values_list("date", flat=True))
    assert jours and {j.weekday() for j in jours} == {2}
    repas = Unite.objects.get(activite__nom="CANTINE", nom="Repas")
    jours = list(JourOuverture.objects.filter(unite=repas).values_list("date", flat=True))
    assert {j.weekday() for j in jours} <= {0, 1, 3, 4}
    feries = jours_feries(min(jours), max(jours))
    assert not set(jours) & set(feries)
