from django import forms
from django.contrib.auth import password_validation


class PremiereConnexionForm(forms.Form):
    nouveau_mot_de_passe = forms.CharField(
        label="Nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    confirmation = forms.CharField(
        label="Retapez le même mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accepte_cgu = forms.BooleanField(
        label="J'accepte les conditions d'utilisation",
        error_messages={"required": "Vous devez accepter les conditions d'utilisation."},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean() or {}
        mdp, confirmation = data.get("nouveau_mot_de_passe"), data.get("confirmation")
        if mdp and confirmation and mdp != confirmation:
            self.add_error("confirmation", "Les deux mots de passe ne sont pas identiques.")
        elif mdp:
            try:
                password_validation.validate_password(mdp, self.user)
            except forms.ValidationError as exc:
                self.add_error("nouveau_mot_de_passe", exc)
        return data
