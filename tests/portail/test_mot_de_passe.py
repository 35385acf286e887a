import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    ("mot_de_passe", "message"),
    [
        ("Court-1", "au moins 8 caractères"),
        ("Sans-Chiffre", "au moins un chiffre"),
        ("sans-majuscule-1", "au moins une lettre majuscule"),
        ("SANS-MINUSCULE-1", "au moins une lettre minuscule"),
    ],
)
def test_mot_de_passe_refuse_dit_ce_qui_manque(mot_de_passe, message):
    with pytest.raises(ValidationError) as erreur:
        validate_password(mot_de_passe)
    assert any(message in m for m in erreur.value.messages)


def test_mot_de_passe_conforme_accepte():
    validate_password("Bonjour-Carnin-2026")
