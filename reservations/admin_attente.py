"""Admin de la liste d'attente d'un jour (monter, descendre, donner la place, fermer) et du
règlement intérieur (documents par année scolaire, acceptations des familles)."""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from .models import AcceptationReglement, JourOuverture, ReglementInterieur, Unite
from .selectors import liste_attente_du_jour
from .services import attente_deplacer, attente_donner, attente_fermer


def vue_liste_attente(
    modeladmin: admin.ModelAdmin, request: HttpRequest, unite_id: int, jour: str
) -> HttpResponse:
    """La liste d'attente d'une unité un jour donné, dans l'ordre, et ses actions."""
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    try:
        le_jour = date.fromisoformat(jour)
    except ValueError:
        raise Http404 from None
    unite = get_object_or_404(Unite.objects.select_related("activite"), pk=unite_id)
    if request.method == "POST":
        if not modeladmin.has_change_permission(request):
            raise PermissionDenied
        try:
            _action(request, unite, le_jour)
        except ValidationError as erreur:
            for message in erreur.messages:
                modeladmin.message_user(request, message, messages.ERROR)
        return redirect(request.get_full_path())
    liste = liste_attente_du_jour(unite=unite, jour=le_jour)
    contexte = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Liste d'attente — {unite} le {le_jour:%d/%m/%Y}",
        "opts": modeladmin.model._meta,
        "unite": unite,
        "jour": le_jour,
        "liste": liste,
        "peut_modifier": modeladmin.has_change_permission(request),
    }
    return TemplateResponse(request, "admin/reservations/liste_attente.html", contexte)


def _action(request: HttpRequest, unite: Unite, jour: date) -> None:
    action = request.POST.get("action", "")
    if action in ("fermer", "rouvrir"):
        attente_fermer(unite=unite, jour=jour, agent=request.user, fermee=action == "fermer")
        messages.success(
            request, "La liste d'attente est close." if action == "fermer" else "Liste rouverte."
        )
        return
    try:
        reservation_id = int(request.POST.get("reservation", ""))
    except ValueError:
        raise Http404 from None
    if action in ("monter", "descendre"):
        attente_deplacer(
            reservation_id=reservation_id, sens=-1 if action == "monter" else 1, agent=request.user
        )
        messages.success(request, "L'ordre de la liste d'attente est modifié.")
    elif action == "donner":
        reservation = attente_donner(reservation_id=reservation_id, agent=request.user)
        messages.success(
            request,
            f"Place attribuée à {reservation.enfant} : la famille est prévenue par e-mail.",
        )
    else:
        raise Http404


class AcceptationInline(admin.TabularInline):
    model = AcceptationReglement
    extra = 0
    fields = ("famille", "adulte", "accepte_le", "compte")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReglementInterieur)
class ReglementInterieurAdmin(admin.ModelAdmin):
    list_display = ("annee_scolaire", "version", "publie_le", "nombre_acceptations")
    list_filter = ("annee_scolaire",)
    inlines = (AcceptationInline,)

    @admin.display(description="acceptations")
    def nombre_acceptations(self, obj: ReglementInterieur) -> int:
        return obj.acceptations.count()


@admin.register(AcceptationReglement)
class AcceptationReglementAdmin(admin.ModelAdmin):
    list_display = ("famille", "reglement", "adulte", "accepte_le")
    list_filter = ("reglement",)
    search_fields = ("famille__nom", "famille__numero", "adulte")
    list_select_related = ("famille", "reglement")
    readonly_fields = ("reglement", "famille", "compte", "adulte", "accepte_le")

    def has_add_permission(self, request) -> bool:
        return False


__all__ = ["JourOuverture", "vue_liste_attente"]
