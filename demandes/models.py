from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class StatutDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    ANNULEE = "annulee", "Annulée"


class StatutLigne(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class Demande(models.Model):
    """Tout ce qu'une famille demande et qu'un agent doit valider.

    Le ``type`` est un code déclaré par l'application qui applique la demande
    (voir demandes.registre) ; ``cible`` est la ligne concernée (un responsable, un enfant,
    une facture…), quand il y en a une.
    """

    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.CASCADE,
        related_name="demandes",
    )
    type = models.CharField("type", max_length=40, db_index=True)
    personne = models.CharField("personne concernée", max_length=160, blank=True)
    cible_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cible_id = models.PositiveBigIntegerField(null=True, blank=True)
    cible = GenericForeignKey("cible_type", "cible_id")
    resume = models.CharField("résumé", max_length=255)
    donnees = models.JSONField("données de la demande", default=dict, blank=True)
    commentaire = models.TextField("commentaire de la famille", blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutDemande.choices, default=StatutDemande.EN_ATTENTE
    )
    cree_le = models.DateTimeField("envoyée le", auto_now_add=True, db_index=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    traite_le = models.DateTimeField("traitée le", null=True, blank=True)
    traite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    traitement_automatique = models.BooleanField("acceptée automatiquement", default=False)
    reponse = models.TextField("réponse à la famille", blank=True)

    class Meta:
        verbose_name = "demande"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["famille", "-cree_le"], name="demande_famille_date"),
            models.Index(fields=["statut", "type"], name="demande_statut_type"),
            models.Index(fields=["cible_type", "cible_id"], name="demande_cible"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statut__in=["en_attente", "annulee"])
                | models.Q(traite_le__isnull=False),
                name="demande_traitee_a_une_date",
            ),
        ]

    def __str__(self) -> str:
        return self.resume

    @property
    def en_attente(self) -> bool:
        return self.statut == StatutDemande.EN_ATTENTE


class LigneDemande(models.Model):
    """Une ligne exacte de la demande : un champ (ancien → nouveau), un jour réservé…"""

    demande = models.ForeignKey(
        Demande, verbose_name="demande", on_delete=models.CASCADE, related_name="lignes"
    )
    ordre = models.PositiveIntegerField("ordre", default=0)
    libelle = models.CharField("libellé", max_length=255)
    champ = models.CharField("champ", max_length=80, blank=True)
    ancienne_valeur = models.TextField("ancienne valeur", blank=True)
    nouvelle_valeur = models.TextField("nouvelle valeur", blank=True)
    donnees = models.JSONField("données", default=dict, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutLigne.choices, default=StatutLigne.EN_ATTENTE
    )
    motif = models.CharField("motif du refus", max_length=255, blank=True)

    class Meta:
        verbose_name = "ligne de demande"
        verbose_name_plural = "lignes de demande"
        ordering = ["demande", "ordre", "id"]

    def __str__(self) -> str:
        return self.libelle
