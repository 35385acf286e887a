from django import forms

from ..models import Regie
from .models import MOTIFS_REJET

CHOIX_MOTIFS = [(code, f"{code} — {libelle}") for code, libelle in sorted(MOTIFS_REJET.items())]


class PrelevementForm(forms.Form):
    date_prelevement = forms.DateField(label="Date du prélèvement (jj/mm/aaaa)")
    essai = forms.BooleanField(label="Essai : calculer sans créer de fichier", required=False)


class DateForm(forms.Form):
    jour = forms.DateField(label="Date (jj/mm/aaaa)")


class RejetForm(forms.Form):
    code = forms.ChoiceField(label="Motif du rejet", choices=CHOIX_MOTIFS)
    jour = forms.DateField(label="Date du rejet (jj/mm/aaaa)")


class RetourForm(forms.Form):
    regie = forms.ModelChoiceField(label="Régie", queryset=Regie.objects.exclude(ics=""))
    fichier = forms.FileField(label="Fichier retour de la banque (pain.002 ou camt.054)")
