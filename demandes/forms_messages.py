from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from portail.noyau.fichiers import MESSAGE_TAILLE, verifier_fichier
from portail.noyau.formulaires import appeler_service

from .models import Message
from .services import message_envoyer


class ChampPieceJointe(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
    default_error_messages = {
        "empty": "Le fichier est vide.",
        "invalid": "Le fichier n'a pas été reçu : choisissez-le de nouveau.",
        "missing": "Choisissez le fichier à transmettre.",
        "max_length": "Le nom du fichier est trop long (%(max)d caractères au plus).",
    }


class FormulaireAvecFichier(forms.Form):
    """Un formulaire dont le fichier est vérifié par son contenu ; ``trop_gros`` : les champs
    abandonnés en cours d'envoi par portail.noyau.fichiers.LimiteTailleUploadHandler."""

    champ_fichier = "piece_jointe"
    fichier_obligatoire = False

    def __init__(self, *args, trop_gros: set[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.trop_gros = trop_gros or set()
        # Le contrôle « obligatoire » est fait dans clean_<champ> pour que « trop gros » passe
        # avant « champ obligatoire ».
        self.fields[self.champ_fichier].required = False

    def _verifier(self, fichier):
        if self.champ_fichier in self.trop_gros:
            raise ValidationError(MESSAGE_TAILLE)
        if not fichier:
            if self.fichier_obligatoire:
                raise ValidationError("Choisissez le fichier à transmettre.")
            return None
        verifier_fichier(fichier)
        return fichier


class MessageForm(FormulaireAvecFichier):
    sujet = forms.CharField(label="Sujet", max_length=200)
    texte = forms.CharField(
        label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    piece_jointe = ChampPieceJointe(
        label="Pièce jointe (facultative)",
        help_text="Formats acceptés : pdf, jpg, jpeg ou png (5 Mo max).",
    )

    def clean_piece_jointe(self):
        return self._verifier(self.cleaned_data.get("piece_jointe"))

    def clean_sujet(self) -> str:
        sujet = self.cleaned_data["sujet"].strip()
        if not sujet:
            raise ValidationError("Indiquez le sujet du message.")
        return sujet

    def clean_texte(self) -> str:
        texte = self.cleaned_data["texte"].strip()
        if not texte:
            raise ValidationError("Écrivez votre message.")
        return texte

    def contenu(self) -> dict[str, Any]:
        """Le sujet, le texte et la pièce jointe saisis, tels que les services les prennent."""
        return {k: self.cleaned_data[k] for k in ("sujet", "texte", "piece_jointe")}


def envoyer_le_message(
    request: HttpRequest,
    form: MessageForm,
    *,
    famille: Any,
    direction: str,
    parent: Message | None,
) -> Message | None:
    """Le message d'un formulaire valide, d'un parent ou d'un agent, écrit par le compte
    connecté ; None si le service le refuse (l'erreur est sur le formulaire)."""
    return appeler_service(
        form,
        message_envoyer,
        famille=famille,
        direction=direction,
        parent=parent,
        auteur=request.user,
        **form.contenu(),
    )
