"""La boîte de réception côté agents : lire, répondre, écrire à une famille ou à plusieurs."""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portail.noyau.fichiers import fichiers_trop_gros, limiter_taille_des_fichiers, reponse_fichier
from portail.noyau.formulaires import appeler_service
from portail.noyau.registre import audiences

from .forms_messages import ChampPieceJointe, MessageForm, envoyer_le_message
from .models import Direction, Message
from .services import message_diffuser, message_marquer_lu


class ReponseAgentForm(MessageForm):
    texte = forms.CharField(
        label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 8, "cols": 80})
    )
    piece_jointe = ChampPieceJointe(
        label="Pièce jointe (facultative)", help_text="pdf, jpg, jpeg ou png (5 Mo max)."
    )


class DiffusionForm(ReponseAgentForm):
    audience = forms.ChoiceField(label="Destinataires", widget=forms.RadioSelect)
    numero_famille = forms.CharField(
        label="Numéro de la famille", required=False, help_text="Pour écrire à une seule famille."
    )

    field_order = ["audience", "numero_famille"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["audience"]).choices = [
            (a.code, a.libelle) for a in audiences().values()
        ]
        for audience in audiences().values():
            if audience.choix is not None:
                self.fields[f"valeur_{audience.code}"] = forms.ChoiceField(
                    label=audience.libelle, required=False, choices=[("", "—"), *audience.choix()]
                )
        self.order_fields(["audience", "numero_famille", *self._champs_valeur()])

    def _champs_valeur(self) -> list[str]:
        return [f"valeur_{a.code}" for a in audiences().values() if a.choix is not None]

    def clean(self) -> dict:
        super().clean()
        donnees = self.cleaned_data
        audience = donnees.get("audience")
        if audience == "famille":
            if not (donnees.get("numero_famille") or "").strip():
                self.add_error("numero_famille", "Indiquez le numéro de la famille.")
            donnees["valeur"] = (donnees.get("numero_famille") or "").strip()
        elif audience and audiences()[audience].choix is not None:
            valeur = donnees.get(f"valeur_{audience}") or ""
            if not valeur:
                self.add_error(f"valeur_{audience}", "Choisissez une valeur dans la liste.")
            donnees["valeur"] = valeur
        else:
            donnees["valeur"] = ""
        return donnees


class NonLuFilter(admin.SimpleListFilter):
    title = "lecture"
    parameter_name = "lu"

    def lookups(self, request, model_admin):
        return [("non", "Non lus"), ("oui", "Lus")]

    def queryset(self, request, queryset):
        if self.value() == "non":
            return queryset.filter(lu_le__isnull=True)
        if self.value() == "oui":
            return queryset.filter(lu_le__isnull=False)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("sujet", "famille", "ecrit_par", "direction", "cree_le", "lu", "piece")
    list_filter = ("direction", NonLuFilter, "cree_le")
    search_fields = ("sujet", "famille__nom", "famille__numero")
    list_select_related = ("famille", "auteur__responsable")
    date_hierarchy = "cree_le"
    fields = (
        "famille",
        "direction",
        "sujet",
        "texte",
        "lien_piece_jointe",
        "parent",
        "cree_le",
        "ecrit_par",
        "lu_le",
        "supprime_le",
        "lien_repondre",
    )
    readonly_fields = fields
    change_list_template = "admin/demandes/message/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("famille", "auteur__responsable")

    @admin.display(description="Écrit par")
    def ecrit_par(self, obj: Message) -> str:
        # Un compte par adulte : l'agent voit qui, du foyer, a écrit.
        return obj.auteur.nom_complet if obj.auteur is not None else "—"

    @admin.display(description="lu", boolean=True)
    def lu(self, obj: Message) -> bool:
        return obj.lu_le is not None

    @admin.display(description="pièce jointe", boolean=True)
    def piece(self, obj: Message) -> bool:
        return bool(obj.nom_piece_jointe)

    @admin.display(description="pièce jointe")
    def lien_piece_jointe(self, obj: Message) -> str:
        if not obj.piece_jointe:
            return "—"
        url = reverse("admin:demandes_message_piece_jointe", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.nom_piece_jointe or "Télécharger")

    @admin.display(description="répondre")
    def lien_repondre(self, obj: Message) -> str:
        url = reverse("admin:demandes_message_repondre", args=[obj.pk])
        return format_html('<a class="button" href="{}">Répondre à la famille</a>', url)

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path(
                "ecrire/",
                vue(limiter_taille_des_fichiers(self.vue_ecrire)),
                name="demandes_message_ecrire",
            ),
            path(
                "<int:pk>/repondre/",
                vue(limiter_taille_des_fichiers(self.vue_repondre)),
                name="demandes_message_repondre",
            ),
            path(
                "<int:pk>/piece-jointe/",
                vue(self.vue_piece_jointe),
                name="demandes_message_piece_jointe",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        if (
            message is not None
            and message.direction == Direction.FAMILLE_VERS_MAIRIE
            and self.has_view_permission(request, message)
        ):
            message_marquer_lu(message=message)
        return super().change_view(request, object_id, form_url, extra_context)

    def _verifier_droit_ecrire(self, request: HttpRequest) -> None:
        if not request.user.has_perm("demandes.add_message"):
            raise Http404

    def vue_piece_jointe(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise Http404
        message = get_object_or_404(Message, pk=pk)
        if not message.piece_jointe:
            raise Http404
        return reponse_fichier(message.piece_jointe, message.nom_piece_jointe or "piece-jointe")

    def vue_repondre(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._verifier_droit_ecrire(request)
        parent = get_object_or_404(Message.objects.select_related("famille"), pk=pk)
        sujet = parent.sujet if parent.sujet.startswith("Re :") else f"Re : {parent.sujet}"
        form = ReponseAgentForm(
            request.POST or None,
            request.FILES or None,
            initial={"sujet": sujet},
            trop_gros=fichiers_trop_gros(request),
        )
        if request.method == "POST" and form.is_valid():
            famille, direction = parent.famille, Direction.MAIRIE_VERS_FAMILLE
            if envoyer_le_message(
                request, form, famille=famille, direction=direction, parent=parent
            ):
                messages.success(request, f"Réponse envoyée à la famille {parent.famille}.")
                return redirect("admin:demandes_message_changelist")
        return TemplateResponse(
            request,
            "admin/demandes/message/ecrire.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Répondre à la famille {parent.famille}",
                "form": form,
                "parent": parent,
            },
        )

    def vue_ecrire(self, request: HttpRequest) -> HttpResponse:
        self._verifier_droit_ecrire(request)
        form = DiffusionForm(
            request.POST or None,
            request.FILES or None,
            # ?numero=1001 : « Écrire à cette famille » depuis une autre page de l'admin.
            initial={"audience": "famille", "numero_famille": request.GET.get("numero", "")},
            trop_gros=fichiers_trop_gros(request),
        )
        if request.method == "POST" and form.is_valid():
            nombre = appeler_service(
                form,
                message_diffuser,
                audience=form.cleaned_data["audience"],
                valeur=form.cleaned_data["valeur"],
                auteur=request.user,
                **form.contenu(),
            )
            if nombre is not None:
                messages.success(
                    request,
                    f"Message envoyé à {nombre} famille{'s' if nombre > 1 else ''} "
                    f"le {timezone.localtime():%d/%m/%Y à %H:%M}.",
                )
                return redirect("admin:demandes_message_changelist")
        return TemplateResponse(
            request,
            "admin/demandes/message/ecrire.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Écrire aux familles",
                "form": form,
            },
        )
