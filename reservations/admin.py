"""Administration des réservations : activités, périodes, pointage et effectifs (en français)."""

import csv
from datetime import timedelta
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portail.noyau.admin_liens import lien_admin
from portail.noyau.fichiers import reponse_fichier
from portail.noyau.formats import JOURS

from .admin_attente import vue_liste_attente
from .models import (
    ETATS_POINTAGE,
    Absence,
    Activite,
    EtatReservation,
    Fermeture,
    Inscription,
    JourOuverture,
    Periode,
    RappelPeriode,
    Reservation,
    Unite,
)
from .selectors import effectifs, reservations_du_jour
from .services import (
    attente_apres_capacite,
    attente_attribuer,
    jours_ouverture_generer,
    periodes_appliquer_regle_fermeture,
    pointage_enregistrer,
    reservations_retirer,
)


class UniteInline(admin.TabularInline):
    model = Unite
    extra = 0
    fields = (
        "nom",
        "ordre",
        "capacite",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "incompatibles",
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Une unité n'est incompatible qu'avec une unité de la même activité.
        if db_field.name == "incompatibles":
            activite_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Unite.objects.filter(activite_id=activite_id)
                if activite_id
                else Unite.objects.none()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Activite)
class ActiviteAdmin(admin.ModelAdmin):
    list_display = (
        "nom",
        "type",
        "validation",
        "delai_ajout_jours",
        "delai_suppression_jours",
        "ouverte_vacances",
        "regle_fermeture",
        "actif",
    )
    list_filter = ("type", "validation", "actif", "ouverte_vacances")
    search_fields = ("nom",)
    inlines = [UniteInline]
    actions = ["appliquer_regle_fermeture"]

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        # Une capacité augmentée donne les places nouvelles aux listes d'attente.
        if formset.model is Unite:
            changees = [o for o, champs in formset.changed_objects if "capacite" in champs]
            nombre = attente_apres_capacite(unites=changees)
            if nombre:
                self.message_user(
                    request,
                    f"{nombre} place(s) attribuée(s) depuis la liste d'attente.",
                    messages.SUCCESS,
                )

    @admin.action(
        description="Appliquer la règle de fermeture aux périodes à venir", permissions=["change"]
    )
    def appliquer_regle_fermeture(self, request: HttpRequest, queryset: QuerySet) -> None:
        for activite in queryset:
            nombre = periodes_appliquer_regle_fermeture(activite=activite)
            self.message_user(
                request,
                f"{activite} : fermeture recalculée pour {nombre} période(s) à venir "
                f"({activite.get_regle_fermeture_display().lower()}).",
                messages.SUCCESS,
            )


@admin.action(description="Générer les jours d'ouverture", permissions=["change"])
def generer_jours_ouverture(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    for periode in queryset.select_related("activite"):
        bilan = jours_ouverture_generer(periode=periode)
        modeladmin.message_user(request, f"{periode} : {bilan}.", messages.SUCCESS)


@admin.register(Periode)
class PeriodeAdmin(admin.ModelAdmin):
    list_display = ("nom", "activite", "date_debut", "date_fin", "reservable_jusqu_au")
    list_filter = ("activite",)
    search_fields = ("nom",)
    date_hierarchy = "date_debut"
    actions = [generer_jours_ouverture]


@admin.register(Fermeture)
class FermetureAdmin(admin.ModelAdmin):
    list_display = ("date", "activite", "motif")
    list_filter = ("activite",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Le jour fermé n'est plus proposé : on régénère les périodes qui le contiennent.
        periodes = Periode.objects.filter(
            date_debut__lte=obj.date, date_fin__gte=obj.date
        ).select_related("activite")
        if obj.activite_id:
            periodes = periodes.filter(activite_id=obj.activite_id)
        for periode in periodes:
            bilan = jours_ouverture_generer(periode=periode)
            self.message_user(request, f"{periode} : {bilan}.", messages.INFO)


@admin.register(JourOuverture)
class JourOuvertureAdmin(admin.ModelAdmin):
    list_display = ("date", "unite")
    list_filter = ("unite__activite", "unite")
    list_select_related = ("unite__activite",)
    date_hierarchy = "date"


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    list_display = ("enfant", "activite", "date_debut", "date_fin")
    list_filter = ("activite",)
    search_fields = ("enfant__nom", "enfant__prenom", "enfant__famille__numero")
    list_select_related = ("enfant", "activite")
    raw_id_fields = ("enfant",)


class FormulairePointage(forms.Form):
    unite = forms.ModelChoiceField(
        label="Activité et unité",
        queryset=Unite.objects.select_related("activite").filter(activite__actif=True),
    )
    jour = forms.DateField(
        label="Jour", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FormulaireEffectifs(forms.Form):
    activite = forms.ModelChoiceField(
        label="Activité", queryset=Activite.objects.filter(actif=True), required=False
    )
    du = forms.DateField(
        label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    au = forms.DateField(
        label="Au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["au"] < donnees["du"]:
            raise ValidationError("La date de fin précède la date de début.")
        return donnees


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ("date", "enfant", "famille", "unite", "etat", "modifiee_le")
    list_filter = ("unite__activite", "unite", "etat", "date")
    search_fields = (
        "enfant__nom",
        "enfant__prenom",
        "enfant__famille__nom",
        "enfant__famille__numero",
    )
    list_select_related = ("enfant__famille", "unite__activite")
    raw_id_fields = ("enfant",)
    # La demande d'origine se lit ; une liste déroulante de toutes les demandes serait énorme.
    readonly_fields = ("demande", "modifiee_le")
    date_hierarchy = "date"
    change_list_template = "admin/reservations/reservation/change_list.html"

    @admin.display(description="famille", ordering="enfant__famille__nom")
    def famille(self, obj: Reservation) -> str:
        return str(obj.enfant.famille)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Une réservation passée par l'agent à un état qui libère la place : la liste
        # d'attente du jour la reçoit dans la même transaction.
        attente_attribuer(cles=[(obj.unite_id, obj.date)])

    def delete_model(self, request, obj) -> None:
        reservations_retirer(reservations=[obj], agent=request.user)

    def delete_queryset(self, request, queryset) -> None:
        reservations_retirer(reservations=list(queryset), agent=request.user)

    def get_urls(self):
        return [
            path(
                "pointage/",
                self.admin_site.admin_view(self.vue_pointage),
                name="reservations_pointage",
            ),
            path(
                "effectifs/",
                self.admin_site.admin_view(self.vue_effectifs),
                name="reservations_effectifs",
            ),
            path(
                "attente/<int:unite_id>/<str:jour>/",
                self.admin_site.admin_view(partial(vue_liste_attente, self)),
                name="reservations_liste_attente",
            ),
            *super().get_urls(),
        ]

    def vue_pointage(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        selection = FormulairePointage(request.GET or None)
        reservations: list[Reservation] = []
        unite = jour = None
        if selection.is_valid():
            unite = selection.cleaned_data["unite"]
            jour = selection.cleaned_data["jour"]
            if request.method == "POST":
                etats: dict[int, str] = {}
                if "tous_presents" in request.POST:
                    # Les enfants pas encore pointés : un absent déjà noté le reste.
                    etats = {
                        r.pk: EtatReservation.PRESENT.value
                        for r in reservations_du_jour(unite=unite, jour=jour)
                        if r.etat == EtatReservation.RESERVEE
                    }
                else:
                    for cle in request.POST:
                        if cle.startswith("etat_"):
                            try:
                                etats[int(cle.removeprefix("etat_"))] = request.POST[cle]
                            except ValueError:
                                raise Http404 from None
                try:
                    changes = pointage_enregistrer(
                        unite=unite, jour=jour, etats=etats, agent=request.user
                    )
                except ValidationError as erreur:
                    for message in erreur.messages:
                        self.message_user(request, message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"Pointage enregistré : {changes} changement(s).",
                        messages.SUCCESS,
                    )
                    return redirect(request.get_full_path())
            reservations = list(reservations_du_jour(unite=unite, jour=jour))
        elif not request.GET:
            selection = FormulairePointage(initial={"jour": timezone.localdate()})
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Pointage",
            "opts": self.model._meta,
            "selection": selection,
            "unite": unite,
            "jour": jour,
            "jour_long": f"{JOURS[jour.weekday()]} {jour:%d/%m/%Y}" if jour else "",
            "reservations": reservations,
            "choix": [(e.value, e.label) for e in ETATS_POINTAGE],
            "precedent": jour - timedelta(days=1) if jour else None,
            "suivant": jour + timedelta(days=1) if jour else None,
        }
        return TemplateResponse(request, "admin/reservations/pointage.html", contexte)

    def vue_effectifs(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        aujourdhui = timezone.localdate()
        selection = FormulaireEffectifs(request.GET or None)
        tableau = None
        if selection.is_valid():
            try:
                tableau = effectifs(
                    debut=selection.cleaned_data["du"],
                    fin=selection.cleaned_data["au"],
                    activite=selection.cleaned_data["activite"],
                )
            except ValidationError as erreur:
                selection.add_error(None, erreur)
            else:
                if request.GET.get("format") == "csv":
                    return self._effectifs_csv(tableau, selection.cleaned_data)
        elif not request.GET:
            selection = FormulaireEffectifs(
                initial={"du": aujourdhui, "au": aujourdhui + timedelta(days=6)}
            )
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Effectifs par jour",
            "opts": self.model._meta,
            "selection": selection,
            "tableau": tableau,
            "lien_csv": f"{request.get_full_path()}&format=csv" if tableau else "",
        }
        return TemplateResponse(request, "admin/reservations/effectifs.html", contexte)

    def _effectifs_csv(self, tableau, donnees) -> HttpResponse:
        nom = f"effectifs_{donnees['du']:%Y%m%d}_{donnees['au']:%Y%m%d}.csv"
        reponse = HttpResponse(content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        reponse.write("\ufeff")  # BOM : Excel lit l'UTF-8 et les accents
        ecrivain = csv.writer(reponse, delimiter=";")
        ecrivain.writerow(
            [
                "Date",
                "Jour",
                "Activité",
                "Unité",
                "Enfants attendus",
                "Demandes en attente",
                "Liste d'attente",
            ]
        )
        for jour, ligne in tableau.lignes:
            for unite, effectif in zip(tableau.unites, ligne, strict=True):
                ecrivain.writerow(
                    [
                        f"{jour:%d/%m/%Y}",
                        JOURS[jour.weekday()],
                        unite.activite.nom,
                        unite.nom,
                        effectif.attendus,
                        effectif.en_attente,
                        effectif.liste_attente,
                    ]
                )
        return reponse


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("reservation", "motif", "statut_demande", "lien_certificat", "cree_le")
    list_filter = ("motif", "demande__statut", "reservation__unite__activite")
    search_fields = (
        "reservation__enfant__nom",
        "reservation__enfant__prenom",
        "reservation__enfant__famille__numero",
    )
    list_select_related = (
        "reservation__enfant",
        "reservation__unite__activite",
        "demande",
    )
    readonly_fields = (
        "reservation",
        "motif",
        "commentaire",
        "lien_certificat",
        "certificat_nom",
        "lien_demande",
        "cree_le",
        "cree_par",
    )
    exclude = ("certificat", "demande")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Une absence se déclare par la famille (ou se pointe) : jamais créée à la main ici.
        return False

    @admin.display(description="demande")
    def statut_demande(self, obj: Absence) -> str:
        return obj.demande.get_statut_display() if obj.demande else "—"

    @admin.display(description="certificat")
    def lien_certificat(self, obj: Absence) -> str:
        if not obj.certificat:
            return "—"
        url = reverse("admin:reservations_absence_certificat", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le certificat</a>', url)

    @admin.display(description="demande")
    def lien_demande(self, obj: Absence) -> str:
        return lien_admin(obj.demande)

    def get_urls(self):
        return [
            path(
                "<int:absence_id>/certificat/",
                self.admin_site.admin_view(self.vue_certificat),
                name="reservations_absence_certificat",
            ),
            *super().get_urls(),
        ]

    def vue_certificat(self, request: HttpRequest, absence_id: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        absence = get_object_or_404(Absence, pk=absence_id)
        if not absence.certificat:
            raise Http404
        return reponse_fichier(absence.certificat, absence.certificat_nom or "certificat")


@admin.register(RappelPeriode)
class RappelPeriodeAdmin(admin.ModelAdmin):
    """Les rappels avant fermeture envoyés (tâche rappeler_fermeture_periodes), en lecture
    seule : la trace d'un envoi ne se crée, ne se modifie ni ne se supprime à la main."""

    list_display = ("envoye_le", "famille", "periode")
    list_filter = ("periode__activite", "envoye_le")
    search_fields = ("famille__numero", "famille__nom", "periode__nom")
    search_help_text = "Numéro ou nom de la famille, nom de la période."
    list_select_related = ("famille", "periode")
    date_hierarchy = "envoye_le"
    fields = ("envoye_le", "famille", "periode")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
