"""Formulaires du dossier famille, pré-remplis avec les valeurs actuelles.

Chaque champ d'un formulaire est le champ d'un objet du dossier (la famille, un adulte, un
enfant) : il en reprend le libellé, les choix et les règles (familles/validators.py).
"""

from typing import Any

from django import forms
from django.db import models

from .models import Enfant, Famille, PersonneAutorisee, Responsable
from .services import CHAMPS_PERSONNE_AUTORISEE, Changement
from .validators import (
    normaliser_iban,
    normaliser_telephone,
    valider_nom,
    valider_sans_balise,
    valider_telephone,
)

TELEPHONES = {"telephone_domicile", "telephone_travail", "telephone_mobile", "medecin_telephone"}
# Ni l'IBAN ni le BIC ne sont réaffichés en clair : laissés vides, ils restent inchangés.
MASQUES = {"iban", "bic"}
AUTOCOMPLETE = {
    "nom": "family-name",
    "prenom": "given-name",
    "email": "email",
    "adresse": "street-address",
    "code_postal": "postal-code",
    "telephone_mobile": "tel",
    "telephone_domicile": "tel",
    "date_naissance": "bday",
}


class AdulteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"L'adresse de {obj.prenom}"


def _champ_formulaire(objet: models.Model, nom: str, famille: Famille) -> forms.Field:
    field = objet._meta.get_field(nom)
    if nom == "adresse_de":
        ff = field.formfield(
            form_class=AdulteChoiceField,
            queryset=Responsable.objects.filter(famille=famille).order_by("role", "id"),
            empty_label="L'adresse de la famille",
        )
    else:
        ff = field.formfield()
    assert ff is not None
    # Les règles posées sur le champ du modèle (familles/validators.py) valent aussi ici,
    # ainsi que ses bornes (un entier doit tenir dans la colonne de la base).
    ff.validators = [
        *ff.validators,
        *(v for v in field.validators if v not in ff.validators),  # type: ignore[union-attr]
    ]
    if isinstance(ff, forms.DecimalField):
        # « 25 000,50 » comme l'écrit un parent français.
        ff.localize = True
        ff.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        ff.widget.is_localized = True
    if isinstance(ff, forms.DateField):
        ff.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    elif isinstance(ff.widget, forms.Textarea):
        ff.widget.attrs["rows"] = 3
    if nom in TELEPHONES:
        ff.widget.input_type = "tel"  # type: ignore[attr-defined]
        ff.help_text = "Par exemple 06 12 34 56 78."
    if nom in AUTOCOMPLETE and not isinstance(objet, Enfant):
        ff.widget.attrs["autocomplete"] = AUTOCOMPLETE[nom]
    if nom in MASQUES:
        ff.help_text = "Laissez vide pour conserver la valeur actuelle."
        ff.widget.attrs["autocomplete"] = "off"
    if nom == "code_postal" or nom == "cp_naissance":
        ff.widget.attrs["inputmode"] = "numeric"
    return ff


class RenseignementsForm(forms.Form):
    """Les champs de plusieurs objets du dossier ; ``changements()`` donne les valeurs saisies."""

    commentaire = forms.CharField(
        label="Commentaire pour la mairie (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[valider_sans_balise],
    )

    def __init__(
        self,
        *args: Any,
        famille: Famille,
        sources: list[tuple[models.Model, list[str]]],
        pre_remplir: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        commentaire = self.fields.pop("commentaire")
        self.sources: dict[str, models.Model] = {}
        for objet, champs in sources:
            for nom in champs:
                self.fields[nom] = _champ_formulaire(objet, nom, famille)
                self.sources[nom] = objet
                if pre_remplir and nom not in MASQUES:
                    self.initial[nom] = objet._meta.get_field(nom).value_from_object(objet)
        self.fields["commentaire"] = commentaire

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        for nom in TELEPHONES & set(donnees):
            donnees[nom] = normaliser_telephone(donnees[nom])
        for nom in MASQUES & set(donnees):
            donnees[nom] = normaliser_iban(donnees[nom])
        return donnees

    def changements(self) -> list[Changement]:
        return [
            Changement(objet=objet, champ=nom, valeur=self.cleaned_data[nom])
            for nom, objet in self.sources.items()
            if not (nom in MASQUES and not self.cleaned_data[nom])
        ]

    def valeurs(self) -> dict[str, Any]:
        return {nom: self.cleaned_data[nom] for nom in self.sources}


class PersonneAutoriseeForm(forms.Form):
    """Une ligne de la liste des personnes autorisées ; ``pk`` vide pour une nouvelle."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    prenom = forms.CharField(label="Prénom", max_length=80, validators=[valider_nom])
    nom = forms.CharField(label="Nom", max_length=80, validators=[valider_nom])
    telephone = forms.CharField(
        label="Téléphone",
        max_length=20,
        validators=[valider_telephone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    lien = forms.CharField(
        label="Lien avec l'enfant",
        max_length=60,
        required=False,
        validators=[valider_sans_balise],
        help_text="Par exemple : grand-mère, voisin, nourrice.",
    )

    def clean_telephone(self) -> str:
        return normaliser_telephone(self.cleaned_data["telephone"])


class BasePersonnesFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, personnes: list[PersonneAutorisee], **kwargs: Any) -> None:
        self.personnes = {p.pk: p for p in personnes}
        kwargs.setdefault(
            "initial",
            [
                {"pk": p.pk, **{c: getattr(p, c) for c in CHAMPS_PERSONNE_AUTORISEE}}
                for p in personnes
            ],
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index is None or index >= self.initial_form_count():
            form.fields.pop("DELETE", None)  # une nouvelle personne n'a rien à supprimer

    def clean(self) -> None:
        vus: set[int] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            pk = form.cleaned_data.get("pk")
            if pk is None:
                continue
            if pk not in self.personnes or pk in vus:
                raise forms.ValidationError("Cette personne n'est pas dans la liste de l'enfant.")
            vus.add(pk)

    def changements(self) -> tuple[list[Changement], list[dict], list[PersonneAutorisee]]:
        changements: list[Changement] = []
        ajouts: list[dict] = []
        suppressions: list[PersonneAutorisee] = []
        for form in self.forms:
            donnees = getattr(form, "cleaned_data", None)
            if not donnees:
                continue
            pk = donnees.get("pk")
            personne = self.personnes.get(pk) if pk is not None else None
            if personne is None:
                if not donnees.get("DELETE"):
                    ajouts.append({c: donnees[c] for c in CHAMPS_PERSONNE_AUTORISEE})
            elif donnees.get("DELETE"):
                suppressions.append(personne)
            else:
                precision = f"{personne.prenom} {personne.nom}"
                changements += [
                    Changement(objet=personne, champ=c, valeur=donnees[c], precision=precision)
                    for c in CHAMPS_PERSONNE_AUTORISEE
                ]
        return changements, ajouts, suppressions


class PersonnesFormSet(BasePersonnesFormSet):
    # Les attributs que poserait formset_factory, écrits ici pour que mypy voie la classe.
    form = PersonneAutoriseeForm
    extra = 1
    can_order = False
    can_delete = True
    can_delete_extra = True
    min_num = 0
    max_num = 20
    absolute_max = 40
    validate_min = False
    validate_max = True
    renderer = None
