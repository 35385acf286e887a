"""Administration du dossier famille.

Chaque modèle a l'historique de simple_history (bouton « Historique ») : qui, quand, et
l'ancienne → la nouvelle valeur de chaque champ. Les demandes des familles se traitent dans
l'administration des demandes, qui appelle familles.services.renseignement_appliquer.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Enfant, Famille, PersonneAutorisee, Responsable
from .services import CHAMPS_BANCAIRES, acces_adulte_regler
from .signaux import coordonnees_bancaires_modifiees


class ResponsableInline(admin.StackedInline):
    model = Responsable
    extra = 0
    show_change_link = True
    fields = [
        ("role", "civilite", "qualite"),
        ("nom", "prenom"),
        ("telephone_mobile", "email"),
        # L'accord de chaque adulte est le sien : les e-mails du foyer en dépendent.
        ("accepte_email", "accepte_sms"),
        "compte",
    ]
    raw_id_fields = ["compte"]


class EnfantInline(admin.TabularInline):
    model = Enfant
    fk_name = "famille"
    extra = 0
    show_change_link = True
    fields = ["prenom", "nom", "date_naissance", "ecole", "classe", "second_foyer", "actif"]
    raw_id_fields = ["second_foyer"]


class PersonneAutoriseeInline(admin.TabularInline):
    model = PersonneAutorisee
    extra = 0
    # Garde alternée : chaque foyer de l'enfant a ses personnes autorisées.
    fields = ["famille", "prenom", "nom", "telephone", "lien"]
    raw_id_fields = ["famille"]


@admin.register(Famille)
class FamilleAdmin(SimpleHistoryAdmin):
    list_display = ["numero", "nom", "ville", "email", "regime", "iban_liste", "prelevement"]
    list_filter = ["regime", "prelevement"]
    search_fields = [
        "numero",
        "nom",
        "email",
        "responsables__nom",
        "responsables__prenom",
        "enfants__prenom",
    ]
    readonly_fields = ["cree_le"]
    inlines = [ResponsableInline, EnfantInline]
    fieldsets = [
        (None, {"fields": ["numero", "nom", "cree_le"]}),
        ("Adresse et contact", {"fields": ["adresse", "code_postal", "ville", "email"]}),
        ("Informations fiscales", {"fields": ["numero_fiscal", "revenu_fiscal", "nombre_parts"]}),
        (
            "CAF / MSA",
            {
                "fields": [
                    "regime",
                    "numero_allocataire",
                    "quotient_familial",
                    "quotient_familial_date",
                ]
            },
        ),
        (
            "Coordonnées bancaires",
            {"fields": ["titulaire_compte", "iban", "bic", "prelevement"]},
        ),
    ]

    @admin.display(description="IBAN")
    def iban_liste(self, obj: Famille) -> str:
        return obj.iban_masque

    def save_model(self, request: HttpRequest, obj: Famille, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if set(form.changed_data) & set(CHAMPS_BANCAIRES):
            # Comme une demande acceptée : les mandats de prélèvement suivent les
            # coordonnées (la facturation écoute ce signal), dans la transaction de l'admin.
            coordonnees_bancaires_modifiees.send(sender=Famille, famille=obj, agent=request.user)


@admin.register(Responsable)
class ResponsableAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "famille",
        "role",
        "qualite",
        "telephone_mobile",
        "email",
        "accepte_email",
        "accepte_sms",
    ]
    list_filter = ["role", "qualite", "csp", "accepte_email", "accepte_sms"]
    search_fields = ["nom", "prenom", "email", "famille__numero", "famille__nom"]
    list_select_related = ["famille", "compte"]
    raw_id_fields = ["famille", "compte"]
    actions = ["desactiver_acces", "reactiver_acces"]

    @admin.action(description="Désactiver l'accès au portail de ces adultes (séparation)")
    def desactiver_acces(self, request: HttpRequest, queryset: QuerySet[Responsable]) -> None:
        for responsable in queryset:
            acces_adulte_regler(responsable=responsable, actif=False)
        messages.success(request, "Accès désactivé : l'autre adulte du foyer garde le sien.")

    @admin.action(description="Réactiver l'accès au portail de ces adultes")
    def reactiver_acces(self, request: HttpRequest, queryset: QuerySet[Responsable]) -> None:
        for responsable in queryset:
            acces_adulte_regler(responsable=responsable, actif=True)
        messages.success(request, "Accès réactivé.")


@admin.register(Enfant)
class EnfantAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "famille",
        "second_foyer",
        "date_naissance",
        "ecole",
        "classe",
        "pai",
        "actif",
    ]
    list_filter = ["actif", "pai", "lunettes", "classe"]
    search_fields = ["nom", "prenom", "famille__numero", "famille__nom", "second_foyer__numero"]
    list_select_related = ["famille", "second_foyer"]
    raw_id_fields = ["famille", "second_foyer", "adresse_de"]
    inlines = [PersonneAutoriseeInline]


@admin.register(PersonneAutorisee)
class PersonneAutoriseeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "enfant", "famille", "telephone", "lien"]
    search_fields = ["nom", "prenom", "enfant__prenom", "famille__numero", "famille__nom"]
    list_select_related = ["enfant", "famille"]
    raw_id_fields = ["enfant", "famille"]
