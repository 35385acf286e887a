from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .configuration import vider_cache_configuration
from .models import Actualite, Configuration, User


@admin.register(User)
class CompteAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Portail Famille",
            {
                "fields": (
                    "doit_changer_mot_de_passe",
                    "mot_de_passe_temporaire_expire_le",
                    "cgu_version",
                    "cgu_acceptees_le",
                )
            },
        ),
    )
    readonly_fields = ("cgu_version", "cgu_acceptees_le")
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


@admin.register(Configuration)
class ConfigurationAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return not Configuration.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        vider_cache_configuration()


@admin.register(Actualite)
class ActualiteAdmin(admin.ModelAdmin):
    list_display = ("titre", "affichee_du", "affichee_au", "lien")
    list_filter = ("affichee_du",)
    search_fields = ("titre", "texte")
    date_hierarchy = "affichee_du"
