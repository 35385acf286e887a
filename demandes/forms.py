from typing import cast

from django import forms

from portail.noyau.registre import choix_types

from .models import LigneDemande

ACCEPTER = "accepter"
REFUSER = "refuser"


class FiltreHistoriqueForm(forms.Form):
    """Filtre de l'historique par type de demande (les types viennent du registre)."""

    rubrique = forms.ChoiceField(
        label="Concernant",
        required=False,
        choices=[("", "Tout"), ("compte", "Mon compte"), ("enfants", "Mes enfants")],
    )
    statut = forms.ChoiceField(
        label="Réponse",
        required=False,
        choices=[
            ("", "Toutes les demandes"),
            ("acceptee", "Demandes acceptées"),
            ("refusee", "Demandes refusées"),
        ],
    )
    type = forms.ChoiceField(label="Type de demande", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        champ = cast(forms.ChoiceField, self.fields["type"])
        champ.choices = [("", "Tous les types"), *choix_types()]
        champ.error_messages["invalid_choice"] = (
            "Ce type de demande n'existe pas : toutes vos demandes sont affichées."
        )


class ReponseForm(forms.Form):
    """La page intermédiaire de l'admin : la réponse lue par la famille."""

    reponse = forms.CharField(
        label="Réponse à la famille",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )

    def __init__(self, *args, decision: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        if decision == REFUSER:
            self.fields["reponse"].help_text = "Obligatoire : indiquez le motif du refus."
        else:
            self.fields["reponse"].help_text = (
                "Facultatif : sans réponse, la famille lit le résultat du traitement "
                "(par exemple « 8 réservations validées »)."
            )

    def clean_reponse(self) -> str:
        reponse = self.cleaned_data["reponse"].strip()
        if self.decision == REFUSER and not reponse:
            raise forms.ValidationError("Indiquez le motif du refus : la famille le lira.")
        return reponse


class TraitementLignesForm(forms.Form):
    """Traitement ligne par ligne : accepter ou refuser chaque ligne, avec un motif."""

    reponse = forms.CharField(
        label="Réponse à la famille",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Facultatif : sans réponse, la famille lit le résultat du traitement.",
    )

    def __init__(self, *args, lignes: list[LigneDemande], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lignes = lignes
        for ligne in lignes:
            self.fields[f"decision_{ligne.pk}"] = forms.ChoiceField(
                label=f"Décision pour « {ligne.libelle} »",
                choices=[(ACCEPTER, "Accepter"), (REFUSER, "Refuser")],
                initial=ACCEPTER,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choisissez d'accepter ou de refuser cette ligne.",
                    "invalid_choice": "Choisissez d'accepter ou de refuser cette ligne.",
                },
            )
            self.fields[f"motif_{ligne.pk}"] = forms.CharField(
                label=f"Motif du refus de « {ligne.libelle} »", required=False, max_length=255
            )

    def clean(self) -> dict:
        donnees = super().clean() or {}
        for ligne in self.lignes:
            decision = donnees.get(f"decision_{ligne.pk}")
            motif = (donnees.get(f"motif_{ligne.pk}") or "").strip()
            donnees[f"motif_{ligne.pk}"] = motif
            if decision == REFUSER and not motif:
                self.add_error(
                    f"motif_{ligne.pk}", "Indiquez le motif du refus : la famille le lira."
                )
        return donnees

    def lignes_refusees(self) -> dict[int, str]:
        return {
            ligne.pk: self.cleaned_data[f"motif_{ligne.pk}"]
            for ligne in self.lignes
            if self.cleaned_data.get(f"decision_{ligne.pk}") == REFUSER
        }

    def rangees(self) -> list[tuple[LigneDemande, forms.BoundField, forms.BoundField]]:
        return [
            (ligne, self[f"decision_{ligne.pk}"], self[f"motif_{ligne.pk}"])
            for ligne in self.lignes
        ]
