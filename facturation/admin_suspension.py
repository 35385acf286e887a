"""Admin des suspensions levées : un régisseur laisse réserver une famille malgré ses
impayés (règle « Suspendre les nouvelles réservations… » de la configuration)."""

from datetime import date

from django.contrib import admin

from portail.noyau.formats import format_montant

from .models import LeveeSuspension
from .selectors import impayes_echus
from .services.suspension import suspension_lever


@admin.register(LeveeSuspension)
class LeveeSuspensionAdmin(admin.ModelAdmin):
    list_display = ("famille", "motif", "levee_le", "levee_par")
    search_fields = ("famille__nom", "famille__numero")
    raw_id_fields = ("famille",)
    readonly_fields = ("levee_le", "levee_par", "impayes")
    fields = ("famille", "motif", "impayes", "levee_le", "levee_par")
    list_select_related = ("famille", "levee_par")

    @admin.display(description="factures échues à régler")
    def impayes(self, obj: LeveeSuspension) -> str:
        if not obj.pk:
            return "—"
        return format_montant(impayes_echus(obj.famille, echus_avant=date.max))

    def save_model(self, request, obj, form, change) -> None:
        levee = suspension_lever(famille=obj.famille, agent=request.user, motif=obj.motif)
        obj.pk = levee.pk
