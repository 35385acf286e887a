from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """Compte d'un parent (lié à une famille) ou d'un agent de la mairie."""

    doit_changer_mot_de_passe = models.BooleanField(
        "doit changer son mot de passe",
        default=False,
        help_text="Vrai tant que le parent n'a pas fait sa première connexion.",
    )
    mot_de_passe_temporaire_expire_le = models.DateTimeField(
        "mot de passe temporaire valable jusqu'au", null=True, blank=True
    )
    cgu_version = models.CharField("version des conditions acceptée", max_length=20, blank=True)
    cgu_acceptees_le = models.DateTimeField("conditions acceptées le", null=True, blank=True)

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"

    @property
    def famille(self) -> Any:
        """Le foyer de l'adulte de ce compte (Responsable.compte), None pour un agent.

        Le backend d'authentification charge ``responsable__famille`` avec le compte : aucune
        requête de plus par page.
        """
        responsable = getattr(self, "responsable", None)
        return responsable.famille if responsable is not None else None

    @property
    def nom_complet(self) -> str:
        """« Jeanne DUPONT » : l'auteur d'une demande ou d'un message, tel que l'historique,
        la boîte de réception, l'admin et les e-mails le nomment (le nom de l'adulte du
        compte, sinon celui du compte d'agent). Charger ``responsable`` avec le compte."""
        responsable = getattr(self, "responsable", None)
        if responsable is not None:
            return f"{responsable.prenom} {responsable.nom}"
        return self.get_full_name() or self.username


class ZoneScolaire(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"


class StatutAccessibilite(models.TextChoices):
    TOTALEMENT = "totalement", "totalement conforme"
    PARTIELLEMENT = "partiellement", "partiellement conforme"
    NON = "non", "non conforme"


class Configuration(models.Model):
    """La configuration de la commune : un seul enregistrement, modifié dans l'admin."""

    nom_commune = models.CharField("nom de la commune", max_length=120, default="Ma commune")
    email_contact = models.EmailField("e-mail de contact", default="portail@example.fr")
    site_web = models.URLField("site internet de la commune", default="https://www.example.fr/")
    logo = models.ImageField("logo", upload_to="configuration/", blank=True)
    adresse_mairie = models.TextField("adresse de la mairie", blank=True)
    telephone_mairie = models.CharField("téléphone de la mairie", max_length=20, blank=True)
    cgu_texte = models.TextField("conditions d'utilisation", blank=True)
    cgu_version = models.CharField(
        "version des conditions d'utilisation", max_length=20, default="1"
    )
    zone_scolaire = models.CharField(
        "zone de vacances scolaires", max_length=1, choices=ZoneScolaire.choices, default="B"
    )
    reservations_actives = models.BooleanField("réservations en ligne", default=True)
    factures_actives = models.BooleanField("factures", default=True)
    paiement_en_ligne_actif = models.BooleanField("paiement en ligne (PayFiP)", default=False)
    pieces_actives = models.BooleanField("pièces justificatives", default=True)
    messages_actifs = models.BooleanField("boîte de réception", default=True)
    # « Suspendre les nouvelles réservations au-delà de X € d'impayés échus depuis N jours »
    # (vide : jamais) ; lu par facturation, consulté par reservations à travers le registre.
    impayes_seuil = models.DecimalField(
        "suspendre les nouvelles réservations au-delà de (€ d'impayés échus)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Vide : les impayés ne suspendent jamais les réservations.",
    )
    impayes_jours = models.PositiveIntegerField(
        "échus depuis (jours)",
        default=30,
        help_text="Seules les factures dont l'échéance est passée depuis ce nombre de jours "
        "comptent.",
    )
    modes_de_paiement = models.TextField(
        "comment payer (affiché quand le paiement en ligne est coupé)",
        blank=True,
        default="Vous pouvez régler en mairie par chèque à l'ordre du Trésor public, "
        "en espèces ou par CESU.",
    )

    signataire_attestations = models.CharField(
        "signataire des attestations",
        max_length=160,
        blank=True,
        default="Le maire",
        help_text="Nom et qualité, imprimés sous les attestations de frais de garde.",
    )
    accessibilite_statut = models.CharField(
        "état de conformité au RGAA",
        max_length=13,
        choices=StatutAccessibilite.choices,
        default=StatutAccessibilite.PARTIELLEMENT,
        help_text="Affiché en bas de chaque page : « Accessibilité : partiellement conforme ».",
    )
    accessibilite_date = models.DateField(
        "déclaration d'accessibilité établie le",
        null=True,
        blank=True,
        help_text="Vide : la date de mise en service de cette version du portail.",
    )
    accessibilite_audit = models.TextField(
        "résultats de l'audit d'accessibilité",
        blank=True,
        help_text="Collez ici le résumé de votre audit RGAA. Vide : la déclaration décrit les "
        "contrôles automatiques du portail.",
    )
    accessibilite_contenus_non_accessibles = models.TextField(
        "contenus non accessibles",
        blank=True,
        help_text="Un contenu par ligne. Vide : ceux que le portail connaît (PDF, etc.).",
    )

    class Meta:
        verbose_name = "configuration de la commune"
        verbose_name_plural = "configuration de la commune"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="configuration_unique"),
        ]

    def __str__(self) -> str:
        return self.nom_commune

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.cgu_version.strip():
            raise ValidationError({"cgu_version": "Indiquez une version des conditions."})


class Actualite(models.Model):
    """Une information ou un lien que la mairie publie (accueil et page « Infos »)."""

    titre = models.CharField("titre", max_length=160)
    texte = models.TextField("texte", blank=True)
    lien = models.URLField("lien", blank=True)
    libelle_lien = models.CharField(
        "texte du lien", max_length=120, blank=True, help_text="Par défaut : « En savoir plus »."
    )
    affichee_du = models.DateField("affichée à partir du")
    affichee_au = models.DateField(
        "affichée jusqu'au (inclus)", null=True, blank=True, help_text="Vide : sans fin."
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "actualité"
        ordering = ["-affichee_du", "-id"]
        indexes = [models.Index(fields=["affichee_du", "affichee_au"], name="actualite_dates")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(affichee_au__isnull=True)
                | models.Q(affichee_au__gte=models.F("affichee_du")),
                name="actualite_dates_ordonnees",
                violation_error_message="La date de fin doit suivre la date de début.",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    def clean(self) -> None:
        if self.affichee_au and self.affichee_du and self.affichee_au < self.affichee_du:
            raise ValidationError({"affichee_au": "La date de fin doit suivre la date de début."})
