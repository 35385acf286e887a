from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portail.noyau.formats import format_montant
from portail.noyau.pdf import reponse_pdf

from . import admin_suspension  # noqa: F401  (suspensions levées)
from .forms import AvoirForm, FacturationForm, ReglementForm
from .models import (
    ActiviteFacturee,
    EvenementPaiement,
    Facture,
    LigneFacture,
    Regie,
    Reglement,
    Tarif,
    TransactionFacture,
    TransactionPaiement,
)
from .pdf import pdf_facture, pdf_recu
from .prelevement.admin import prelever
from .services import (
    facturation_lancer,
    facture_emettre_avoir,
    reglement_encaisser,
    reglement_enregistrer,
    reglement_imputer_reste,
)


def en_euros(champ: str, libelle: str):
    """Une colonne ou un champ en lecture seule écrit « 17,00 € », comme partout ailleurs."""

    @admin.display(description=libelle, ordering=champ)
    def afficher(obj) -> str:
        return format_montant(getattr(obj, champ))

    afficher.__name__ = f"{champ}_en_euros"
    return afficher


class ActiviteFactureeInline(admin.TabularInline):
    model = ActiviteFacturee
    extra = 1


@admin.register(Regie)
class RegieAdmin(admin.ModelAdmin):
    list_display = ("nom", "prefixe", "numero_client_payfip", "ics", "prochain_numero_facture")
    readonly_fields = ("prochain_numero_facture", "prochain_numero_reglement")
    inlines = [ActiviteFactureeInline]
    actions = ["facturer", prelever]

    def get_readonly_fields(self, request, obj=None):
        # Le compteur d'une nouvelle régie peut être fixé (reprise d'une numérotation existante).
        return self.readonly_fields if obj else ()

    @admin.action(description="Lancer la facturation d'un mois", permissions=["change"])
    def facturer(self, request: HttpRequest, queryset) -> HttpResponse | None:
        form = FacturationForm(request.POST if "confirmer" in request.POST else None)
        if "confirmer" in request.POST and form.is_valid():
            if avertissement := form.mois_non_termine():
                self.message_user(request, avertissement, messages.WARNING)
            for regie in queryset:
                try:
                    resultat = facturation_lancer(
                        mois=form.cleaned_data["mois"],
                        regie=regie,
                        essai=form.cleaned_data["essai"],
                        agent=request.user,
                    )[0]
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    continue
                self.message_user(request, resultat.resume(), messages.SUCCESS)
            return None
        return render(
            request,
            "admin/facturation/facturer.html",
            {
                **self.admin_site.each_context(request),
                "title": "Lancer la facturation",
                "form": form,
                "regies": queryset,
                "opts": self.model._meta,
            },
        )


@admin.register(Tarif)
class TarifAdmin(admin.ModelAdmin):
    list_display = (
        "unite",
        en_euros("prix", "prix unitaire"),
        "date_debut",
        "date_fin",
        "quotient_min",
        "quotient_max",
    )
    list_filter = ("unite__activite",)


class LigneFactureInline(admin.TabularInline):
    model = LigneFacture
    fields = (
        "enfant",
        "date",
        "libelle",
        "quantite",
        en_euros("prix_unitaire", "prix unitaire"),
        en_euros("montant", "montant"),
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Facture)
class FactureAdmin(admin.ModelAdmin):
    list_display = (
        "numero",
        "famille",
        "regie",
        "periode_debut",
        "periode_fin",
        en_euros("total", "montant"),
        "deja_regle",
        "reste",
    )
    list_filter = ("regie", "date")
    search_fields = ("numero", "famille__nom", "famille__numero")
    list_select_related = ("famille", "regie")
    inlines = [LigneFactureInline]
    actions = ["emettre_avoir"]
    readonly_fields = (
        "regie",
        "famille",
        "numero",
        "numero_ordre",
        "periode_debut",
        "periode_fin",
        "date",
        "echeance",
        en_euros("total", "montant"),
        "facture_corrigee",
        "motif",
        "creee_le",
        "creee_par",
        "lien_pdf",
    )
    exclude = ()

    def get_queryset(self, request):
        return super().get_queryset(request).avec_soldes()

    @admin.display(description="Déjà réglé", ordering="deja_regle")
    def deja_regle(self, obj: Facture) -> str:
        return format_montant(obj.deja_regle)  # type: ignore[attr-defined]

    @admin.display(description="Reste à régler", ordering="reste")
    def reste(self, obj: Facture) -> str:
        return format_montant(obj.reste)  # type: ignore[attr-defined]

    @admin.display(description="PDF")
    def lien_pdf(self, obj: Facture):
        url = reverse("admin:facturation_facture_pdf", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le PDF</a>', url)

    def has_add_permission(self, request) -> bool:
        return False  # les factures naissent de la facturation, jamais à la main

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # une correction est un avoir

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.vue_pdf),
                name="facturation_facture_pdf",
            ),
            *super().get_urls(),
        ]

    def vue_pdf(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        facture = get_object_or_404(Facture, pk=pk)
        return reponse_pdf(pdf_facture(facture), f"facture-{facture.numero}.pdf")

    @admin.action(
        description="Émettre un avoir sur la facture sélectionnée", permissions=["change"]
    )
    def emettre_avoir(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Sélectionnez une seule facture.", messages.ERROR)
            return None
        facture = queryset.get()
        form = AvoirForm(request.POST if "confirmer" in request.POST else None)
        if "confirmer" in request.POST and form.is_valid():
            try:
                avoir = facture_emettre_avoir(
                    facture=facture,
                    montant=form.cleaned_data["montant"],
                    motif=form.cleaned_data["motif"],
                    agent=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, f"Avoir {avoir.numero} émis.", messages.SUCCESS)
                return None
        return render(
            request,
            "admin/facturation/avoir.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Avoir sur la facture {facture.numero}",
                "form": form,
                "facture": facture,
                "opts": self.model._meta,
            },
        )


@admin.register(Reglement)
class ReglementAdmin(admin.ModelAdmin):
    list_display = (
        "numero",
        "regie",
        "famille",
        "date",
        "mode",
        en_euros("montant", "montant"),
        "encaisse_le",
    )
    list_filter = ("regie", "mode", ("encaisse_le", admin.EmptyFieldListFilter))
    search_fields = ("famille__nom", "famille__numero", "reference")
    list_select_related = ("famille", "regie")
    fields = (
        "regie",
        "famille",
        "numero",
        "date",
        "mode",
        en_euros("montant", "montant"),
        "reference",
        "encaisse_le",
        "annule_le",
        "motif_annulation",
        "imputations",
        "cree_le",
        "cree_par",
    )
    readonly_fields = tuple(f for f in fields if f != "encaisse_le")
    actions = ["encaisser_aujourdhui", "imputer_reste"]

    def get_readonly_fields(self, request, obj=None):
        # Un règlement annulé (prélèvement rejeté) ne s'encaisse plus.
        if obj is not None and obj.annule_le is not None:
            return self.fields
        return self.readonly_fields

    @admin.display(description="Imputé sur")
    def imputations(self, obj: Reglement) -> str:
        return (
            ", ".join(
                f"{a.facture.numero} ({format_montant(a.montant)})"
                for a in obj.affectations.select_related("facture")
            )
            or "—"
        )

    def has_add_permission(self, request) -> bool:
        return False  # un règlement s'enregistre par « Enregistrer un règlement »

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        reglement_encaisser(
            reglement=obj, encaisse_le=form.cleaned_data["encaisse_le"], agent=request.user
        )

    @admin.action(description="Marquer comme encaissés aujourd'hui", permissions=["change"])
    def encaisser_aujourdhui(self, request: HttpRequest, queryset) -> None:
        for reglement in queryset.filter(encaisse_le__isnull=True, annule_le__isnull=True):
            reglement_encaisser(
                reglement=reglement, encaisse_le=timezone.localdate(), agent=request.user
            )
        self.message_user(request, "Date d'encaissement enregistrée.", messages.SUCCESS)

    @admin.action(description="Imputer le reste sur les factures impayées", permissions=["change"])
    def imputer_reste(self, request: HttpRequest, queryset) -> None:
        nombre = 0
        for reglement in queryset.filter(annule_le__isnull=True):
            nombre += len(reglement_imputer_reste(reglement=reglement, agent=request.user))
        self.message_user(request, f"{nombre} imputation(s) enregistrée(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "enregistrer/",
                self.admin_site.admin_view(self.vue_enregistrer),
                name="facturation_reglement_enregistrer",
            ),
            path(
                "<int:pk>/recu/",
                self.admin_site.admin_view(self.vue_recu),
                name="facturation_reglement_recu",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "url_enregistrer": reverse("admin:facturation_reglement_enregistrer"),
        }
        return super().changelist_view(request, extra_context)

    def vue_recu(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        reglement = get_object_or_404(Reglement, pk=pk)
        return reponse_pdf(pdf_recu(reglement), f"recu-{reglement.numero}.pdf")

    def vue_enregistrer(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ReglementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            donnees = form.cleaned_data
            try:
                reglement = reglement_enregistrer(
                    famille=donnees["famille"],
                    regie=donnees["regie"],
                    montant=donnees["montant"],
                    mode=donnees["mode"],
                    jour=donnees["date"],
                    reference=donnees["reference"],
                    encaisse_le=donnees["encaisse_le"],
                    factures=list(donnees["factures"]) or None,
                    agent=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request, f"Règlement n°{reglement.numero} enregistré.", messages.SUCCESS
                )
                return redirect("admin:facturation_reglement_change", reglement.pk)
        return render(
            request,
            "admin/facturation/reglement_enregistrer.html",
            {
                **self.admin_site.each_context(request),
                "title": "Enregistrer un règlement",
                "form": form,
                "opts": self.model._meta,
            },
        )


class TransactionFactureInline(admin.TabularInline):
    model = TransactionFacture
    fields = ("facture", en_euros("montant", "montant"), "en_cours")
    readonly_fields = fields
    extra = 0
    can_delete = False


class EvenementPaiementInline(admin.TabularInline):
    model = EvenementPaiement
    fields = ("recu_le", "source", "idop", "resultat", "donnees")
    readonly_fields = fields
    extra = 0
    can_delete = False


class JournalAdmin(admin.ModelAdmin):
    """Un journal des paiements en ligne : écrit par les notifications de PayFiP, lu ici."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TransactionPaiement)
class TransactionPaiementAdmin(JournalAdmin):
    list_display = (
        "reference",
        "famille",
        "regie",
        en_euros("montant", "montant"),
        "etat",
        "creee_le",
        "terminee_le",
    )
    list_filter = ("etat", "regie")
    search_fields = ("reference", "idop", "famille__nom", "famille__numero")
    list_select_related = ("famille", "regie")
    inlines = [TransactionFactureInline, EvenementPaiementInline]


@admin.register(EvenementPaiement)
class EvenementPaiementAdmin(JournalAdmin):
    list_display = ("recu_le", "source", "idop", "resultat", "transaction")
    list_filter = ("source",)
    search_fields = ("idop", "resultat")
