from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from demandes.models import lien_demande
from portail.noyau.fichiers import chemin_prive


class Portee(models.TextChoices):
    FAMILLE = "famille", "Une par famille"
    ENFANT = "enfant", "Une par enfant"


class Validite(models.TextChoices):
    ANNEE_SCOLAIRE = "annee_scolaire", "Jusqu'à la fin de l'année scolaire"
    MOIS = "mois", "Un nombre de mois"
    SANS_FIN = "sans_fin", "Sans date de fin"


class TypePiece(models.Model):
    """Une pièce que la mairie demande (justificatif de domicile, avis d'imposition…)."""

    nom = models.CharField("nom", max_length=120, unique=True)
    description = models.TextField("précisions pour les familles", blank=True)
    portee = models.CharField("une pièce", max_length=10, choices=Portee.choices)
    activites = models.ManyToManyField(
        "reservations.Activite",
        verbose_name="exigée pour les activités",
        blank=True,
        related_name="types_pieces",
        help_text="Aucune activité cochée : la pièce est toujours exigée.",
    )
    validite = models.CharField(
        "validité", max_length=15, choices=Validite.choices, default=Validite.ANNEE_SCOLAIRE
    )
    duree_mois = models.PositiveSmallIntegerField("durée de validité (mois)", null=True, blank=True)
    ordre = models.PositiveIntegerField("ordre d'affichage", default=0)
    actif = models.BooleanField("exigée", default=True)
    history = HistoricalRecords(m2m_fields=[activites])

    class Meta:
        verbose_name = "type de pièce"
        verbose_name_plural = "types de pièce"
        ordering = ["ordre", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(validite="mois")
                | models.Q(duree_mois__isnull=False, duree_mois__gt=0),
                name="type_piece_duree_si_mois",
                violation_error_message="Indiquez la durée de validité en mois.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class StatutPiece(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de validation"
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"
    ANNULEE = "annulee", "Annulée par la famille"


def _chemin_piece(instance: "Piece", nom: str) -> str:
    return chemin_prive("pieces", nom)


def _chemin_document(instance: "DocumentTelechargeable", nom: str) -> str:
    return chemin_prive("documents", nom)


class Piece(models.Model):
    """Un document transmis par une famille (ou enregistré par un agent)."""

    famille = models.ForeignKey(
        "familles.Famille", verbose_name="famille", on_delete=models.CASCADE, related_name="pieces"
    )
    enfant = models.ForeignKey(
        "familles.Enfant",
        verbose_name="enfant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pieces",
    )
    type = models.ForeignKey(
        TypePiece, verbose_name="type", on_delete=models.PROTECT, related_name="pieces"
    )
    fichier = models.FileField("fichier", upload_to=_chemin_piece, max_length=255)
    nom_fichier = models.CharField("nom du fichier", max_length=120)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutPiece.choices, default=StatutPiece.EN_ATTENTE
    )
    valide_jusqu_au = models.DateField("valable jusqu'au", null=True, blank=True)
    demande = lien_demande(related_name="piece")
    deposee_le = models.DateTimeField("transmise le", auto_now_add=True)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="transmise par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "pièce"
        ordering = ["-deposee_le", "-id"]
        indexes = [
            models.Index(fields=["famille", "type", "statut"], name="piece_famille_type_statut"),
        ]

    def __str__(self) -> str:
        if self.enfant_id:
            return f"{self.type} — {self.enfant}"
        return str(self.type)

    @property
    def motif_refus(self) -> str:
        """Le motif lu par la famille : la réponse de l'agent à la demande."""
        if self.statut == StatutPiece.REFUSEE and self.demande is not None:
            return self.demande.reponse
        return ""


class DocumentTelechargeable(models.Model):
    """Un formulaire que la mairie met à disposition des familles (servi par une vue)."""

    titre = models.CharField("titre", max_length=160)
    description = models.CharField("description", max_length=255, blank=True)
    fichier = models.FileField("fichier", upload_to=_chemin_document, max_length=255)
    ordre = models.PositiveIntegerField("ordre d'affichage", default=0)
    actif = models.BooleanField("proposé aux familles", default=True)
    ajoute_le = models.DateTimeField("ajouté le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "document à télécharger"
        verbose_name_plural = "documents à télécharger"
        ordering = ["ordre", "titre"]

    def __str__(self) -> str:
        return self.titre
