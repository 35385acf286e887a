from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from demandes.services import demande_accepter, demande_refuser
from portail.noyau.admin_liens import lien_admin
from portail.noyau.fichiers import verifier_fichier

from .models import DocumentTelechargeable, Piece, StatutPiece, TypePiece
from .services import piece_valider


@admin.register(TypePiece)
class TypePieceAdmin(admin.ModelAdmin):
    list_display = ("nom", "portee", "validite", "duree_mois", "liste_activites", "actif")
    list_filter = ("portee", "validite", "actif")
    filter_horizontal = ("activites",)
    search_fields = ("nom",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("activites")

    @admin.display(description="exigée pour")
    def liste_activites(self, obj: TypePiece) -> str:
        return ", ".join(a.nom for a in obj.activites.all()) or "Toutes les familles"


@admin.register(Piece)
class PieceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "famille", "deposee_le", "statut", "valide_jusqu_au", "lien")
    list_filter = ("statut", "type")
    search_fields = ("famille__nom", "famille__numero", "enfant__prenom", "nom_fichier")
    list_select_related = ("famille", "enfant", "type")
    date_hierarchy = "deposee_le"
    readonly_fields = (
        "famille",
        "enfant",
        "type",
        "lien",
        "statut",
        "valide_jusqu_au",
        "motif_refus",
        "lien_demande",
        "deposee_le",
        "deposee_par",
        "traitee_le",
    )
    fields = readonly_fields
    actions = ["valider", "refuser"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="fichier")
    def lien(self, obj: Piece) -> str:
        url = reverse("pieces:fichier_agent", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.nom_fichier)

    @admin.display(description="demande")
    def lien_demande(self, obj: Piece) -> str:
        return lien_admin(obj.demande)

    @admin.action(description="Valider les pièces sélectionnées", permissions=["change"])
    def valider(self, request: HttpRequest, queryset: QuerySet[Piece]) -> None:
        nombre = 0
        for piece in queryset.select_related("demande", "type"):
            try:
                if piece.demande is not None and piece.demande.en_attente:
                    demande_accepter(demande=piece.demande, agent=request.user)
                elif piece.statut == StatutPiece.EN_ATTENTE:
                    piece_valider(piece=piece)
                else:
                    raise ValidationError(f"La pièce « {piece} » a déjà été traitée.")
                nombre += 1
            except ValidationError as erreur:
                self.message_user(request, " ".join(erreur.messages), messages.ERROR)
        if nombre:
            self.message_user(request, f"{nombre} pièce(s) validée(s).", messages.SUCCESS)

    @admin.action(description="Refuser les pièces sélectionnées", permissions=["change"])
    def refuser(self, request: HttpRequest, queryset: QuerySet[Piece]):
        motif = (request.POST.get("reponse") or "").strip()
        if "confirmer" in request.POST and motif:
            nombre = 0
            for piece in queryset.select_related("demande"):
                if piece.demande is None or not piece.demande.en_attente:
                    self.message_user(
                        request, f"La pièce « {piece} » a déjà été traitée.", messages.ERROR
                    )
                    continue
                try:
                    demande_refuser(demande=piece.demande, agent=request.user, motif=motif)
                    nombre += 1
                except ValidationError as erreur:
                    self.message_user(request, " ".join(erreur.messages), messages.ERROR)
            if nombre:
                self.message_user(request, f"{nombre} pièce(s) refusée(s).", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/pieces/piece/refuser.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Refuser des pièces",
                "pieces": queryset,
                "erreur": "Indiquez le motif du refus : la famille le lira."
                if "confirmer" in request.POST
                else "",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = DocumentTelechargeable
        fields = ["titre", "description", "fichier", "ordre", "actif"]

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier is not None and hasattr(fichier, "content_type"):
            verifier_fichier(fichier)
        return fichier


@admin.register(DocumentTelechargeable)
class DocumentTelechargeableAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = ("titre", "ordre", "actif", "ajoute_le")
    list_editable = ("ordre", "actif")
