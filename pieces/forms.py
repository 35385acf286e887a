from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from demandes.forms_messages import ChampPieceJointe, FormulaireAvecFichier
from familles.models import Enfant
from familles.selectors import enfants_du_foyer

from .models import Portee, TypePiece


class TransmettrePieceForm(FormulaireAvecFichier):
    champ_fichier = "fichier"
    fichier_obligatoire = True

    type = forms.ModelChoiceField(
        label="Pièce", queryset=TypePiece.objects.none(), empty_label="Choisissez…"
    )
    enfant = forms.ModelChoiceField(
        label="Enfant concerné",
        queryset=Enfant.objects.none(),
        required=False,
        empty_label="—",
        help_text="Pour une pièce demandée pour chaque enfant.",
    )
    fichier = ChampPieceJointe(
        label="Fichier", help_text="Formats acceptés : pdf, jpg, jpeg ou png (5 Mo max)."
    )
    commentaire = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, famille, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        champ_type = cast(forms.ModelChoiceField, self.fields["type"])
        champ_type.queryset = TypePiece.objects.filter(actif=True)
        # La frontière de la famille : seuls ses enfants sont des choix valides.
        champ_enfant = cast(forms.ModelChoiceField, self.fields["enfant"])
        champ_enfant.queryset = enfants_du_foyer(famille).filter(actif=True)

    def clean_fichier(self):
        return self._verifier(self.cleaned_data.get("fichier"))

    def clean(self) -> dict:
        super().clean()
        donnees = self.cleaned_data
        type_piece = donnees.get("type")
        enfant_manquant = not donnees.get("enfant")
        if type_piece is not None and type_piece.portee == Portee.ENFANT and enfant_manquant:
            self.add_error("enfant", ValidationError("Choisissez l'enfant concerné."))
        return donnees
