from typing import cast

from django import forms

from .regles import Choix
from .selectors import Grille

CHOIX_INCONNU = (
    "Un des jours envoyés n'existe pas dans cette grille (jour non ouvert ou enfant inconnu)."
)


class GrilleForm(forms.Form):
    """Les cases cochées de la grille, la semaine-type et le commentaire.

    Les choix possibles sont les cases ouvertes de la grille affichée : une case d'un autre
    enfant ou d'un jour sans accueil est refusée ici ; les règles de chaque case (délai,
    capacité…) sont contrôlées par le service."""

    ACTIONS = [
        ("semaine_type", "Appliquer une semaine-type"),
        ("envoyer", "Envoyer la demande"),
        ("valider", "Valider"),
    ]

    c = forms.MultipleChoiceField(required=False, error_messages={"invalid_choice": CHOIX_INCONNU})
    affiche = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": CHOIX_INCONNU}
    )
    # « Liste d'attente » d'un jour complet : seules les cases proposées sont acceptées.
    a = forms.MultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": "Ce jour n'a pas de liste d'attente ouverte."},
    )
    st = forms.MultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": "Ce jour de la semaine-type n'existe pas."},
    )
    commentaire = forms.CharField(
        label="Vous pouvez ajouter un commentaire",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    action = forms.ChoiceField(
        choices=ACTIONS, error_messages={"required": "Choisissez une action."}
    )

    def __init__(self, *args, grille: Grille, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grille = grille
        cles = [(c.cle, c.cle) for c in grille.cases_a_cocher() if c.ouverte]
        cast(forms.MultipleChoiceField, self.fields["c"]).choices = cles
        cast(forms.MultipleChoiceField, self.fields["affiche"]).choices = cles
        cast(forms.MultipleChoiceField, self.fields["a"]).choices = [
            (c.cle, c.cle) for c in grille.cases_a_cocher() if c.attente_possible
        ]
        cast(forms.MultipleChoiceField, self.fields["st"]).choices = [
            (cle, cle) for _, _, unites in grille.semaine_type for cle, _ in unites
        ]

    def attentes(self) -> list[Choix]:
        """Les jours complets où le parent demande la liste d'attente."""
        return [Choix.depuis_cle(cle) for cle in sorted(set(self.cleaned_data["a"]))]

    def changements(self) -> tuple[list[Choix], list[Choix]]:
        """Ajouts : cases cochées qui n'étaient pas prises ; suppressions : cases prises,
        affichées modifiables, puis décochées (une case grisée n'est jamais envoyée)."""
        coches = set(self.cleaned_data["c"])
        affichees = set(self.cleaned_data["affiche"])
        ajouts, suppressions = [], []
        for case_a_cocher in self.grille.cases_a_cocher():
            if not case_a_cocher.ouverte:
                continue
            if case_a_cocher.cle in coches and not case_a_cocher.active:
                ajouts.append(Choix.depuis_cle(case_a_cocher.cle))
            elif (
                case_a_cocher.active
                and case_a_cocher.cle in affichees
                and case_a_cocher.cle not in coches
            ):
                suppressions.append(Choix.depuis_cle(case_a_cocher.cle))
        return ajouts, suppressions
