from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from familles.models import Famille
from portail.noyau.formats import format_montant as euros

from .models import Facture, ModeReglement, Regie
from .services import bornes_du_mois


class MoisField(forms.Field):
    """Un mois saisi « 2026-11 » ou « 11/2026 »."""

    widget = forms.TextInput

    def to_python(self, value) -> date | None:
        value = str(value or "").strip()
        if not value:
            return None
        for separateur, ordre in (("-", (0, 1)), ("/", (1, 0))):
            morceaux = value.split(separateur)
            if len(morceaux) == 2 and all(m.isdigit() for m in morceaux):
                annee, mois = int(morceaux[ordre[0]]), int(morceaux[ordre[1]])
                if 2000 <= annee <= 2100 and 1 <= mois <= 12:
                    return date(annee, mois, 1)
        raise ValidationError("Indiquez le mois sous la forme 2026-11.")


class FacturationForm(forms.Form):
    mois = MoisField(label="Mois à facturer (AAAA-MM)")
    # Un essai par défaut : rien n'est émis tant que l'agent ne l'a pas décoché.
    essai = forms.BooleanField(
        label="Essai : calculer sans rien émettre", required=False, initial=True
    )
    mois_en_cours = forms.BooleanField(
        label="Facturer quand même ce mois qui n'est pas terminé",
        required=False,
    )

    def __init__(self, *args, aujourdhui: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.aujourdhui = aujourdhui or timezone.localdate()

    def mois_non_termine(self) -> str:
        """« Le mois de décembre 2026 n'est pas terminé : … » si le mois saisi ne l'est pas."""
        mois = (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get("mois")
        if mois is None or bornes_du_mois(mois)[1] < self.aujourdhui:
            return ""
        return (
            f"Le mois de {date_format(mois, 'F Y')} n'est pas terminé : les absences "
            "déclarées après la facturation ne seront pas déduites."
        )

    def clean(self) -> dict:
        donnees = super().clean() or {}
        avertissement = self.mois_non_termine()
        if avertissement and not donnees.get("essai") and not donnees.get("mois_en_cours"):
            raise ValidationError(
                f"{avertissement} Faites d'abord un essai, ou cochez « Facturer quand même "
                "ce mois qui n'est pas terminé »."
            )
        return donnees


class AvoirForm(forms.Form):
    montant = forms.DecimalField(label="Montant de l'avoir (€)", max_digits=10, decimal_places=2)
    motif = forms.CharField(label="Motif", max_length=200)


class FacturesChoixField(forms.ModelMultipleChoiceField):
    """Chaque facture avec sa famille et son montant : « CA000153 — DUPONT (1001) — 17,00 € »."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.numero} — {obj.famille} — reste {euros(obj.reste)} sur {euros(obj.total)}"


def _champ_date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ReglementForm(forms.Form):
    famille = forms.ModelChoiceField(label="Famille", queryset=Famille.objects.all())
    regie = forms.ModelChoiceField(label="Régie", queryset=Regie.objects.all())
    date = _champ_date("Date du règlement", initial=date.today)
    # Pas de mode par défaut : le régisseur choisit (les paiements en ligne s'enregistrent seuls).
    mode = forms.ChoiceField(label="Mode", choices=[("", "---------"), *ModeReglement.choices])
    montant = forms.DecimalField(label="Montant (€)", max_digits=10, decimal_places=2)
    reference = forms.CharField(label="Référence (n° de chèque…)", max_length=60, required=False)
    encaisse_le = _champ_date("Encaissé le", required=False)
    factures = FacturesChoixField(
        label="Factures réglées",
        # Seules les factures qui ont encore un reste à payer.
        queryset=Facture.objects.impayees().select_related("famille").order_by("-date", "-numero"),
        required=False,
        help_text="Vide : le règlement est imputé sur les factures impayées les plus anciennes.",
    )


class PaiementEnLigneForm(forms.Form):
    """Les factures cochées ; leur appartenance à la famille est vérifiée par la vue."""

    factures = forms.TypedMultipleChoiceField(
        label="Factures à payer", coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, factures: list[Facture], **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["factures"]
        assert isinstance(champ, forms.TypedMultipleChoiceField)
        champ.choices = [(f.pk, f.numero) for f in factures]
        self.fields["factures"].error_messages = {
            "required": "Cochez au moins une facture à payer.",
            "invalid_choice": "Cette facture ne peut pas être payée en ligne.",
        }
