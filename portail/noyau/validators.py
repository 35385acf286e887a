from django.core.exceptions import ValidationError


class RegleMotDePasse:
    """Au moins 8 caractères, un chiffre, une majuscule et une minuscule (les deux guides)."""

    def validate(self, password: str, user: object = None) -> None:
        erreurs = []
        if len(password) < 8:
            erreurs.append(
                ValidationError(
                    "Le mot de passe doit contenir au moins 8 caractères.", code="trop_court"
                )
            )
        if not any(c.isdigit() for c in password):
            erreurs.append(
                ValidationError(
                    "Le mot de passe doit contenir au moins un chiffre.", code="chiffre"
                )
            )
        if not any(c.isupper() for c in password):
            erreurs.append(
                ValidationError(
                    "Le mot de passe doit contenir au moins une lettre majuscule.", code="majuscule"
                )
            )
        if not any(c.islower() for c in password):
            erreurs.append(
                ValidationError(
                    "Le mot de passe doit contenir au moins une lettre minuscule.", code="minuscule"
                )
            )
        if erreurs:
            raise ValidationError(erreurs)

    def get_help_text(self) -> str:
        return (
            "Au moins 8 caractères, avec au moins un chiffre, une lettre majuscule "
            "et une lettre minuscule."
        )
