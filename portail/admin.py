from typing import TYPE_CHECKING

import filetype
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from .noyau.configuration import vider_cache_configuration
from .noyau.models import Actualite, Configuration, User

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

TAILLE_MAX_LOGO = 1024 * 1024

# Les droits d'un compte : seul un superutilisateur les donne (sinon un agent s'en donnerait).
CHAMPS_DES_DROITS = ("is_staff", "is_superuser", "groups", "user_permissions")
COMPTE_PROTEGE = (
    "Ce compte n'existe pas ou appartient au personnel de la mairie : seul un "
    "superutilisateur peut l'ouvrir."
)


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

    # Un membre du personnel qui n'est pas superutilisateur (agent, régisseur, administrateur)
    # ne voit que les comptes des familles : ni le sien, ni ceux de ses collègues ou d'un
    # superutilisateur, et il ne donne de droits à personne.
    def get_queryset(self, request):
        comptes = super().get_queryset(request)
        if request.user.is_superuser:
            return comptes
        return comptes.filter(is_staff=False, is_superuser=False)

    def get_object(self, request, object_id, from_field=None):
        compte = super().get_object(request, object_id, from_field)
        if compte is None and not request.user.is_superuser:
            # Fiche, mot de passe, historique, suppression : un refus clair plutôt que la
            # redirection « n'existe pas » de Django (sans dire si le compte existe).
            raise PermissionDenied(COMPTE_PROTEGE)
        return compte

    def get_readonly_fields(self, request, obj=None):
        champs = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return champs
        return champs + CHAMPS_DES_DROITS


# Les rubriques de la page Configuration ; le formulaire en prend les mêmes champs.
GROUPES_CONFIGURATION: "_FieldsetSpec" = (
    (
        "La commune",
        {
            "fields": (
                "nom_commune",
                "logo",
                "email_contact",
                "site_web",
                "adresse_mairie",
                "telephone_mairie",
                "zone_scolaire",
            )
        },
    ),
    (
        "Conditions d'utilisation",
        {
            "fields": ("cgu_texte", "cgu_version"),
            "description": "Changer la version fait accepter à nouveau les conditions "
            "à chaque parent lors de sa prochaine visite.",
        },
    ),
    (
        "Fonctionnalités ouvertes aux familles",
        {
            "fields": (
                "reservations_actives",
                "factures_actives",
                "paiement_en_ligne_actif",
                "pieces_actives",
                "messages_actifs",
                "modes_de_paiement",
            ),
            "description": "Une fonctionnalité coupée disparaît du menu et ses pages "
            "ne sont plus accessibles.",
        },
    ),
    (
        "Réservations et impayés",
        {
            "fields": ("impayes_seuil", "impayes_jours"),
            "description": "Au-delà du seuil, les nouvelles réservations d'une famille "
            "sont refusées (ses réservations et annulations restent possibles) ; un "
            "régisseur peut lever la suspension d'une famille (Facturation → Suspensions "
            "levées).",
        },
    ),
    (
        "Attestations de frais de garde",
        {"fields": ("signataire_attestations",)},
    ),
    (
        "Déclaration d'accessibilité (RGAA 4.1)",
        {
            "fields": (
                "accessibilite_statut",
                "accessibilite_date",
                "accessibilite_audit",
                "accessibilite_contenus_non_accessibles",
            ),
            "description": "L'état de conformité est affiché en bas de chaque page ; la "
            "déclaration est publiée sur /accessibilite/.",
        },
    ),
)


class ConfigurationForm(forms.ModelForm):
    site_web = forms.URLField(label="Site internet de la commune", assume_scheme="https")

    class Meta:
        model = Configuration
        fields = flatten_fieldsets(GROUPES_CONFIGURATION)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size is not None and "logo" in self.changed_data:
            if logo.size > TAILLE_MAX_LOGO:
                raise forms.ValidationError("Le logo ne doit pas dépasser 1 Mo.")
            logo.seek(0)
            detecte = filetype.guess(logo.read(8192))
            logo.seek(0)
            if detecte is None or detecte.mime not in {"image/png", "image/jpeg"}:
                raise forms.ValidationError("Le logo doit être une image png ou jpg.")
        return logo


@admin.register(Configuration)
class ConfigurationAdmin(admin.ModelAdmin):
    form = ConfigurationForm
    fieldsets = GROUPES_CONFIGURATION

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
