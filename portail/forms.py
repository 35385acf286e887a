from allauth.account.forms import LoginForm, ResetPasswordForm
from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone


class MotDePasseOublieForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse e-mail"
        self.fields["email"].widget.attrs.update({"placeholder": "", "autocomplete": "email"})
        self.fields["email"].error_messages["required"] = "Saisissez votre adresse e-mail."
        self.fields["email"].error_messages["invalid"] = "Saisissez une adresse e-mail valide."


class ConnexionForm(LoginForm):
    """La connexion des guides : identifiant (numéro de famille ou e-mail) et mot de passe."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Identifiant (numéro de famille ou e-mail)"
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "placeholder": "", "autofocus": True}
        )
        self.fields["login"].error_messages["required"] = "Saisissez votre identifiant."
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs["placeholder"] = ""
        self.fields["password"].error_messages["required"] = "Saisissez votre mot de passe."

    def clean(self):
        data = super().clean()
        user = self.user
        expire_le = getattr(user, "mot_de_passe_temporaire_expire_le", None)
        if (
            user is not None
            and getattr(user, "doit_changer_mot_de_passe", False)
            and expire_le is not None
            and expire_le < timezone.now()
        ):
            self.user = None
            raise forms.ValidationError(
                "Votre mot de passe provisoire a expiré. Cliquez sur « Mot de passe oublié ? » "
                "ou contactez la mairie pour en recevoir un nouveau."
            )
        return data


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
