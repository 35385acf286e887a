from django import forms
from django.core.exceptions import ValidationError

from portail.noyau.fichiers import MESSAGE_TAILLE, verifier_fichier

from .models import MotifAbsence


class FormulaireAbsence(forms.Form):
    motif = forms.ChoiceField(
        label="Motif de l'absence",
        choices=MotifAbsence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le motif de l'absence."},
    )
    certificat = forms.FileField(
        label="Certificat médical",
        required=False,
        help_text="Obligatoire pour une maladie : pdf, jpg, jpeg ou png, 5 Mo maximum.",
    )
    commentaire = forms.CharField(
        label="Précisions (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, trop_gros: set[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Les champs abandonnés en cours d'envoi (portail.noyau.fichiers.LimiteTailleUploadHandler).
        self.trop_gros = trop_gros or set()

    def clean_certificat(self):
        if "certificat" in self.trop_gros:
            raise ValidationError(MESSAGE_TAILLE)
        certificat = self.cleaned_data.get("certificat")
        if certificat:
            verifier_fichier(certificat)
        return certificat

    def clean(self):
        donnees = super().clean()
        sans_certificat = not donnees.get("certificat") and "certificat" not in self.errors
        if donnees.get("motif") == MotifAbsence.MALADIE and sans_certificat:
            raise ValidationError(
                {
                    "certificat": "Pour une absence pour maladie, joignez le certificat "
                    "médical (pdf, jpg, jpeg ou png, 5 Mo max)."
                }
            )
        return donnees
