"""Le traitement des demandes par les agents : file d'attente, accepter, refuser, ligne par ligne.

Toute acceptation ou tout refus passe par demande_accepter / demande_refuser, chaque demande
dans sa propre transaction : une erreur sur l'une n'empêche pas le traitement des autres.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from portail.noyau.registre import choix_types, libelle_type, types_demande

from .forms import ACCEPTER, REFUSER, ReponseForm, TraitementLignesForm
from .models import Demande, LigneDemande, StatutDemande
from .services import demande_accepter, demande_refuser


class TypeDemandeFilter(admin.SimpleListFilter):
    title = "type de demande"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return choix_types()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(type=self.value())
        return queryset


class PersonneFilter(admin.SimpleListFilter):
    """Filtre par personne concernée (l'enfant, l'adulte) parmi les demandes en attente."""

    title = "personne concernée (demandes en attente)"
    parameter_name = "personne"

    def lookups(self, request, model_admin):
        personnes = (
            Demande.objects.filter(statut=StatutDemande.EN_ATTENTE)
            .exclude(personne="")
            .order_by("personne")
            .values_list("personne", flat=True)
            .distinct()[:100]
        )
        return [(p, p) for p in personnes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(personne=self.value())
        return queryset


class ActiviteFilter(admin.SimpleListFilter):
    """Filtre par activité (réservations, absences) : l'application qui crée la demande
    renseigne ``Demande.activite`` ; demandes ne connaît pas les activités."""

    title = "activité"
    parameter_name = "activite"

    def lookups(self, request, model_admin):
        activites = (
            Demande.objects.exclude(activite="")
            .order_by("activite")
            .values_list("activite", flat=True)
            .distinct()
        )
        return [(a, a) for a in activites]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(activite=self.value())
        return queryset


def _lien_admin(obj: Any, texte: str) -> str:
    """Un lien vers la page d'admin de l'objet, ou le texte seul si l'objet n'y est pas."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return texte
    return format_html('<a href="{}">{}</a>', url, texte)


def _texte_erreur(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def aides_et_documents(demandes: list[Demande]) -> tuple[list[str], dict[int, list]]:
    """Ce que le type de chaque demande dit à l'agent avant de décider (« Accepter = absent
    excusé… ») et ses documents à ouvrir (certificat), déclarés par le type de demande."""
    aides: list[str] = []
    documents: dict[int, list] = {}
    par_type: dict[str, list[Demande]] = {}
    for demande in demandes:
        par_type.setdefault(demande.type, []).append(demande)
    for code, groupe in par_type.items():
        definition = types_demande().get(code)
        if definition is None:
            continue
        if definition.aide_decision:
            aides.append(definition.aide_decision)
        if definition.documents is not None:
            documents.update(definition.documents(groupe))
    return aides, documents


def avertissements_lignes(demande: Demande, lignes: list[LigneDemande]) -> dict[int, str]:
    """Les lignes dont la valeur actuelle n'est plus celle que la famille a vue à l'envoi."""
    definition = types_demande().get(demande.type)
    if definition is None or definition.valeur_actuelle is None or not demande.en_attente:
        return {}
    avertissements = {}
    for ligne in lignes:
        actuelle = definition.valeur_actuelle(ligne=ligne)
        if actuelle is not None and actuelle != ligne.ancienne_valeur:
            avertissements[ligne.pk] = (
                f"Attention : la valeur actuelle est « {actuelle or '(vide)'} », la famille "
                f"avait vu « {ligne.ancienne_valeur or '(vide)'} ». Elle a été modifiée depuis "
                "l'envoi de la demande."
            )
    return avertissements


CHAMPS_DEMANDE = (
    "famille_lien",
    "type_libelle",
    "personne",
    "activite",
    "cible_lien",
    "resume",
    "commentaire",
    "cree_le",
    "demandee_par",
)
CHAMPS_TRAITEMENT = ("statut", "traite_le", "traite_par", "traitement_automatique", "reponse")


@admin.register(Demande)
class DemandeAdmin(admin.ModelAdmin):
    list_display = (
        "cree_le",
        "statut_badge",
        "famille_lien",
        "demandee_par",
        "type_libelle",
        "personne",
        "resume",
        "traite_le",
    )
    list_display_links = ("resume",)
    list_filter = (
        TypeDemandeFilter,
        "statut",
        ActiviteFilter,
        PersonneFilter,
        "traitement_automatique",
        "cree_le",
    )
    search_fields = ("famille__numero", "famille__nom", "personne", "resume")
    search_help_text = "Numéro ou nom de la famille, personne concernée, résumé."
    list_select_related = ("famille", "cree_par__responsable")
    list_per_page = 50
    date_hierarchy = "cree_le"
    # Les demandes en attente d'abord, puis les plus récentes.
    actions = ("accepter", "refuser")
    fieldsets = (
        ("Demande de la famille", {"fields": CHAMPS_DEMANDE}),
        ("Traitement", {"fields": CHAMPS_TRAITEMENT}),
    )
    # Tout se lit ; la demande ne change que par Accepter / Refuser.
    readonly_fields = (*CHAMPS_DEMANDE, *CHAMPS_TRAITEMENT)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return super().changelist_view(
            request, {"title": "Demandes des familles", **(extra_context or {})}
        )

    def get_ordering(self, request: HttpRequest) -> list:
        # Les demandes en attente d'abord, puis les plus récentes.
        en_attente_d_abord = Case(
            When(statut=StatutDemande.EN_ATTENTE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [en_attente_d_abord.asc(), "-cree_le", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Demande]:
        return (
            super()
            .get_queryset(request)
            .select_related("famille", "cree_par__responsable", "traite_par")
        )

    # Les demandes viennent des familles et restent dans l'historique : pas d'ajout ni de
    # suppression dans l'admin (la purge est une commande d'exploitation).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Demande | None = None) -> bool:
        return False

    @admin.display(description="Demandé par", ordering="cree_par__last_name")
    def demandee_par(self, obj: Demande) -> str:
        # Un compte par adulte : « Jeanne DUPONT ».
        return obj.cree_par.nom_complet if obj.cree_par is not None else "—"

    @admin.display(description="famille", ordering="famille__nom")
    def famille_lien(self, obj: Demande) -> str:
        return _lien_admin(obj.famille, f"{obj.famille.nom} ({obj.famille.numero})")

    @admin.display(description="fiche concernée")
    def cible_lien(self, obj: Demande) -> str:
        cible = obj.cible if obj.cible_type_id else None
        return _lien_admin(cible, str(cible)) if cible is not None else "—"

    @admin.display(description="type", ordering="type")
    def type_libelle(self, obj: Demande) -> str:
        return libelle_type(obj.type)

    @admin.display(description="statut", ordering="statut")
    def statut_badge(self, obj: Demande) -> str:
        couleurs = {
            StatutDemande.EN_ATTENTE: "#8a5300",
            StatutDemande.ACCEPTEE: "#1b6b33",
            StatutDemande.REFUSEE: "#b01e1e",
            StatutDemande.ANNULEE: "#555555",
        }
        return format_html(
            '<strong style="color: {}">{}</strong>',
            couleurs.get(StatutDemande(obj.statut), "#333333"),
            obj.get_statut_display(),
        )

    # --- Page de modification : les lignes ancien → nouveau et les avertissements ---------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        demande = self.get_object(request, object_id)
        contexte = dict(extra_context or {})
        if demande is not None:
            lignes = list(demande.lignes.all())
            definition = types_demande().get(demande.type)
            avertissements = avertissements_lignes(demande, lignes)
            infos = (
                definition.decrire(lignes=lignes)
                if definition and definition.decrire and demande.en_attente
                else {}
            )
            aides, documents = aides_et_documents([demande])
            contexte.update(
                aides=aides,
                documents=documents.get(demande.pk, []),
                lignes=[
                    (ligne, avertissements.get(ligne.pk, ""), infos.get(ligne.pk, ""))
                    for ligne in lignes
                ],
                infos=infos,
                avertissements=avertissements,
                ligne_par_ligne=bool(definition and definition.ligne_par_ligne),
                peut_traiter=demande.en_attente and self.has_change_permission(request, demande),
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
                show_delete=False,
            )
        return super().change_view(request, object_id, form_url, extra_context=contexte)

    # --- Accepter / refuser : actions de la liste et boutons de la page ------------------

    @admin.action(description="Accepter les demandes sélectionnées", permissions=["change"])
    def accepter(self, request: HttpRequest, queryset: QuerySet[Demande]) -> HttpResponse | None:
        return self._page_reponse(request, list(queryset), ACCEPTER, action="accepter")

    @admin.action(description="Refuser les demandes sélectionnées", permissions=["change"])
    def refuser(self, request: HttpRequest, queryset: QuerySet[Demande]) -> HttpResponse | None:
        return self._page_reponse(request, list(queryset), REFUSER, action="refuser")

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/accepter/",
                vue(self.accepter_une_view),
                name="demandes_demande_accepter",
            ),
            path(
                "<path:object_id>/refuser/",
                vue(self.refuser_une_view),
                name="demandes_demande_refuser",
            ),
            path(
                "<path:object_id>/traiter/",
                vue(self.traiter_view),
                name="demandes_demande_traiter",
            ),
            *super().get_urls(),
        ]

    def _demande_modifiable(self, request: HttpRequest, object_id: str) -> Demande:
        demande = self.get_object(request, object_id)
        if demande is None:
            raise Http404("Cette demande n'existe pas.")
        if not self.has_change_permission(request, demande):
            raise PermissionDenied
        return demande

    def _url_demande(self, demande: Demande) -> str:
        return reverse("admin:demandes_demande_change", args=[demande.pk])

    def accepter_une_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        demande = self._demande_modifiable(request, object_id)
        reponse = self._page_reponse(request, [demande], ACCEPTER)
        return reponse or HttpResponseRedirect(self._url_demande(demande))

    def refuser_une_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        demande = self._demande_modifiable(request, object_id)
        reponse = self._page_reponse(request, [demande], REFUSER)
        return reponse or HttpResponseRedirect(self._url_demande(demande))

    def _page_reponse(
        self, request: HttpRequest, demandes: list[Demande], decision: str, action: str = ""
    ) -> HttpResponse | None:
        """La page intermédiaire : la réponse à la famille, puis « Confirmer »."""
        if request.method == "POST" and "confirmer" in request.POST:
            form = ReponseForm(request.POST, decision=decision)
            if form.is_valid():
                self._traiter(request, demandes, decision, form.cleaned_data["reponse"])
                return None
        else:
            form = ReponseForm(decision=decision)
        if len(demandes) == 1:
            titre = "Accepter la demande" if decision == ACCEPTER else "Refuser la demande"
        elif decision == ACCEPTER:
            titre = "Accepter les demandes sélectionnées"
        else:
            titre = "Refuser les demandes sélectionnées"
        # Avant d'accepter en lot, l'agent voit les demandes dont une valeur a changé depuis.
        perimees = set()
        if decision == ACCEPTER:
            for demande in demandes:
                if avertissements_lignes(demande, list(demande.lignes.all())):
                    perimees.add(demande.pk)
        aides, documents = aides_et_documents(demandes)
        contexte = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": titre,
            "decision": decision,
            "aides": aides,
            "demandes": [(d, d.pk in perimees, documents.get(d.pk, [])) for d in demandes],
            "nombre": len(demandes),
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "deja_traitees": [d for d in demandes if not d.en_attente],
        }
        return TemplateResponse(
            request, "admin/demandes/demande/confirmer_traitement.html", contexte
        )

    def _traiter(
        self, request: HttpRequest, demandes: list[Demande], decision: str, reponse: str
    ) -> None:
        faites = 0
        for demande in demandes:
            try:
                if decision == ACCEPTER:
                    traitee = demande_accepter(demande=demande, agent=request.user, reponse=reponse)
                else:
                    traitee = demande_refuser(demande=demande, agent=request.user, motif=reponse)
            except ValidationError as exc:
                messages.error(request, f"« {demande.resume} » : {_texte_erreur(exc)}")
                continue
            except LookupError as exc:
                messages.error(request, f"« {demande.resume} » : {exc}")
                continue
            faites += 1
            self.log_change(request, traitee, f"{traitee.get_statut_display()} : {traitee.reponse}")
        if faites:
            verbe = "acceptée" if decision == ACCEPTER else "refusée"
            pluriel = "s" if faites > 1 else ""
            messages.success(request, f"{faites} demande{pluriel} {verbe}{pluriel}.")

    # --- Ligne par ligne ------------------------------------------------------------------

    def traiter_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        demande = self._demande_modifiable(request, object_id)
        definition = types_demande().get(demande.type)
        if definition is None or not definition.ligne_par_ligne:
            messages.error(request, "Cette demande ne se traite pas ligne par ligne.")
            return HttpResponseRedirect(self._url_demande(demande))
        if not demande.en_attente:
            messages.error(
                request,
                f"La demande « {demande.resume} » a déjà été traitée "
                f"({demande.get_statut_display().lower()}).",
            )
            return HttpResponseRedirect(self._url_demande(demande))
        lignes = list(demande.lignes.all())
        form = TraitementLignesForm(request.POST or None, lignes=lignes)
        if request.method == "POST" and form.is_valid():
            try:
                traitee = demande_accepter(
                    demande=demande,
                    agent=request.user,
                    reponse=form.cleaned_data["reponse"],
                    lignes_refusees=form.lignes_refusees(),
                )
            except ValidationError as exc:
                messages.error(request, f"« {demande.resume} » : {_texte_erreur(exc)}")
            else:
                self.log_change(
                    request, traitee, f"{traitee.get_statut_display()} : {traitee.reponse}"
                )
                messages.success(
                    request,
                    f"Demande traitée ({traitee.get_statut_display().lower()}) : {traitee.reponse}",
                )
                return HttpResponseRedirect(self._url_demande(traitee))
        infos = definition.decrire(lignes=lignes) if definition.decrire else {}
        avertissements = avertissements_lignes(demande, lignes)
        contexte = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Traiter ligne par ligne",
            "demande": demande,
            "form": form,
            "rangees": [
                (ligne, decision, motif, infos.get(ligne.pk, ""), avertissements.get(ligne.pk, ""))
                for ligne, decision, motif in form.rangees()
            ],
        }
        return TemplateResponse(request, "admin/demandes/demande/traiter.html", contexte)
