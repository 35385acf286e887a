import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.parametrize(
    ("variable", "valeur", "message"),
    [
        ("CONSERVATION_DEMANDES_JOURS", "0", "CONSERVATION_DEMANDES_JOURS doit être au moins 1"),
        ("IDENTIFIANTS_VALIDITE_JOURS", "-3", "IDENTIFIANTS_VALIDITE_JOURS doit être au moins 1"),
        ("RAPPEL_FERMETURE_JOURS", "trois", "RAPPEL_FERMETURE_JOURS doit être un nombre entier"),
    ],
)
def test_une_duree_invalide_empeche_le_demarrage(variable, valeur, message):
    resultat = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PORTAIL_TESTS": "1", variable: valeur},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode != 0
    assert message in resultat.stderr
