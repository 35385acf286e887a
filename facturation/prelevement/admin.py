"""L'administration du prélèvement : mandats, fichiers pain.008, opérations et rejets."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from portail.noyau.fichiers import reponse_fichier
from portail.noyau.pdf import reponse_pdf

from ..pdf import pdf_mandat
from .forms import DateForm, PrelevementForm, RejetForm, RetourForm
from .models import LotPrelevement, Mandat, OperationPrelevement, StatutMandat
from .services import (
    lot_encaisser,
    mandat_clore,
    mandat_enregistrer_signature,
    mandat_lever_suspension,
    operation_rejeter,
    prelevement_lancer,
    retour_importer,
)


def _formulaire(
    modele_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: Any,
    *,
    action: str,
    titre: str,
    aide: str,
    form_class: type,
    appliquer: Callable[[Any, dict], str],
) -> HttpResponse | None:
    """Une action d'admin qui demande une date (ou un motif) avant de s'appliquer à chaque ligne."""
    form = form_class(request.POST if "confirmer" in request.POST else None)
    if "confirmer" in request.POST and form.is_valid():
        for objet in queryset:
            try:
                texte = appliquer(objet, form.cleaned_data)
            except ValidationError as exc:
                modele_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                modele_admin.message_user(request, texte, messages.SUCCESS)
        return None
    return render(
        request,
        "admin/facturation/prelevement_action.html",
        {
            **modele_admin.admin_site.each_context(request),
            "title": titre,
            "aide": aide,
            "form": form,
            "objets": queryset,
            "action": action,
            "opts": modele_admin.model._meta,
        },
    )


def prelever(modele_admin: admin.ModelAdmin, request: HttpRequest, queryset: Any):
    """Action de la liste des régies : construire le fichier pain.008 d'une date."""

    def appliquer(regie: Any, donnees: dict) -> str:
        resultat = prelevement_lancer(
            regie=regie,
            date_prelevement=donnees["date_prelevement"],
            essai=donnees["essai"],
            agent=request.user,
        )
        return resultat.resume()

    return _formulaire(
        modele_admin,
        request,
        queryset,
        action="prelever",
        titre="Lancer le prélèvement",
        aide=(
            "Un fichier pain.008 par régie et par date : les factures impayées des familles "
            "au mandat signé, annoncées au moins le délai de pré-notification avant la date. "
            "Une facture n'est jamais dans deux fichiers."
        ),
        form_class=PrelevementForm,
        appliquer=appliquer,
    )


prelever.short_description = "Lancer le prélèvement SEPA (fichier pain.008)"  # type: ignore[attr-defined]
prelever.allowed_permissions = ("change",)  # type: ignore[attr-defined]


@admin.register(Mandat)
class MandatAdmin(admin.ModelAdmin):
    list_display = (
        "rum",
        "famille",
        "regie",
        "titulaire",
        "iban_masque",
        "statut",
        "date_signature",
    )
    list_filter = ("statut", "regie")
    search_fields = ("rum", "famille__nom", "famille__numero", "titulaire")
    list_select_related = ("famille", "regie")
    readonly_fields = [f.name for f in Mandat._meta.fields] + ["lien_pdf"]
    actions = ["signature_papier", "lever_suspension", "clore"]

    def has_add_permission(self, request) -> bool:
        # Un mandat naît d'une demande de coordonnées bancaires acceptée.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="PDF")
    def lien_pdf(self, obj: Mandat):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">Mandat de prélèvement SEPA</a>',
            reverse("admin:facturation_mandat_pdf", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.vue_pdf),
                name="facturation_mandat_pdf",
            ),
            *super().get_urls(),
        ]

    def vue_pdf(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        mandat = get_object_or_404(Mandat, pk=pk)
        return reponse_pdf(pdf_mandat(mandat), f"mandat-sepa-{mandat.rum}.pdf")

    @admin.action(description="Enregistrer le mandat papier signé", permissions=["change"])
    def signature_papier(self, request: HttpRequest, queryset):
        def appliquer(mandat: Mandat, donnees: dict) -> str:
            mandat_enregistrer_signature(
                mandat=mandat, date_signature=donnees["jour"], agent=request.user
            )
            return f"Mandat {mandat.rum} signé le {donnees['jour']:%d/%m/%Y}."

        return _formulaire(
            self,
            request,
            queryset,
            action="signature_papier",
            titre="Mandat papier signé",
            aide="La date portée sur le mandat signé par la famille.",
            form_class=DateForm,
            appliquer=appliquer,
        )

    @admin.action(description="Rétablir le mandat suspendu", permissions=["change"])
    def lever_suspension(self, request: HttpRequest, queryset) -> None:
        for mandat in queryset.filter(statut=StatutMandat.SUSPENDU):
            mandat_lever_suspension(mandat=mandat, agent=request.user)
            self.message_user(request, f"Mandat {mandat.rum} rétabli.", messages.SUCCESS)

    @admin.action(description="Clore le mandat", permissions=["change"])
    def clore(self, request: HttpRequest, queryset) -> None:
        for mandat in queryset:
            try:
                mandat_clore(mandat=mandat, motif="Clos par la mairie.", agent=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)


class OperationInline(admin.TabularInline):
    model = OperationPrelevement
    fields = ("facture", "mandat", "sequence", "montant", "statut", "code_rejet", "rejetee_le")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LotPrelevement)
class LotPrelevementAdmin(admin.ModelAdmin):
    list_display = ("date_prelevement", "regie", "nombre", "total", "statut", "encaisse_le")
    list_filter = ("regie", "statut")
    readonly_fields = [f.name for f in LotPrelevement._meta.fields if f.name != "fichier"] + [
        "lien_fichier"
    ]
    exclude = ("fichier",)
    inlines = [OperationInline]
    actions = ["encaisser"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Fichier pain.008")
    def lien_fichier(self, obj: LotPrelevement):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">Télécharger le fichier</a>',
            reverse("admin:facturation_lotprelevement_fichier", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/fichier/",
                self.admin_site.admin_view(self.vue_fichier),
                name="facturation_lotprelevement_fichier",
            ),
            path(
                "retour/",
                self.admin_site.admin_view(self.vue_retour),
                name="facturation_lotprelevement_retour",
            ),
            *super().get_urls(),
        ]

    def vue_fichier(self, request: HttpRequest, pk: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        lot = get_object_or_404(LotPrelevement.objects.select_related("regie"), pk=pk)
        return reponse_fichier(
            lot.fichier, f"pain008-{lot.regie.prefixe}-{lot.date_prelevement:%Y%m%d}.xml"
        )

    def vue_retour(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = RetourForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                resultat = retour_importer(
                    regie=form.cleaned_data["regie"],
                    contenu=form.cleaned_data["fichier"].read(),
                    agent=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, resultat.resume(), messages.SUCCESS)
                return redirect("admin:facturation_lotprelevement_changelist")
        return render(
            request,
            "admin/facturation/prelevement_retour.html",
            {
                **self.admin_site.each_context(request),
                "title": "Importer un fichier retour de la banque",
                "form": form,
                "opts": self.model._meta,
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "url_retour": reverse("admin:facturation_lotprelevement_retour"),
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description="Marquer le fichier encaissé", permissions=["change"])
    def encaisser(self, request: HttpRequest, queryset):
        def appliquer(lot: LotPrelevement, donnees: dict) -> str:
            lot_encaisser(lot=lot, encaisse_le=donnees["jour"], agent=request.user)
            jour = donnees["jour"]
            return f"Fichier du {lot.date_prelevement:%d/%m/%Y} encaissé le {jour:%d/%m/%Y}."

        return _formulaire(
            self,
            request,
            queryset,
            action="encaisser",
            titre="Fichier encaissé",
            aide="La date à laquelle la banque a versé le fichier.",
            form_class=DateForm,
            appliquer=appliquer,
        )


@admin.register(OperationPrelevement)
class OperationPrelevementAdmin(admin.ModelAdmin):
    list_display = ("facture", "lot", "mandat", "sequence", "montant", "statut", "code_rejet")
    list_filter = ("statut", "sequence", "lot__regie")
    search_fields = ("facture__numero", "mandat__rum", "mandat__famille__nom")
    list_select_related = ("facture", "lot", "lot__regie", "mandat")
    readonly_fields = [f.name for f in OperationPrelevement._meta.fields]
    actions = ["rejeter"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Enregistrer un rejet de la banque", permissions=["change"])
    def rejeter(self, request: HttpRequest, queryset):
        def appliquer(operation: OperationPrelevement, donnees: dict) -> str:
            operation = operation_rejeter(
                operation=operation, code=donnees["code"], jour=donnees["jour"], agent=request.user
            )
            numero = operation.facture.numero
            return f"Prélèvement de la facture {numero} rejeté ({operation.motif})."

        return _formulaire(
            self,
            request,
            queryset,
            action="rejeter",
            titre="Rejet de prélèvement",
            aide=(
                "Le règlement est annulé, la facture est de nouveau à régler, la famille est "
                "prévenue par e-mail ; deux rejets de suite suspendent le mandat."
            ),
            form_class=RejetForm,
            appliquer=appliquer,
        )
