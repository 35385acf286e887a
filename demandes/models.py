from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from portail.noyau.fichiers import chemin_prive


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
    (voir portail.noyau.registre) ; ``cible`` est la ligne concernée (un responsable, un enfant,
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
    # Renseignée par l'application qui crée la demande (réservations, absences) : le nom de
    # l'activité, pour filtrer la file des demandes sans connaître l'application métier.
    activite = models.CharField("activité", max_length=80, blank=True, db_index=True)
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


def lien_demande(*, related_name: str) -> "models.OneToOneField[Demande | None, Demande | None]":
    """La demande d'où vient une ligne d'une autre application (une pièce, une absence) ;
    la ligne reste si la demande est purgée."""
    return models.OneToOneField(
        Demande,
        verbose_name="demande",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


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


# --- Boîte de réception -----------------------------------------------------------------


class Direction(models.TextChoices):
    FAMILLE_VERS_MAIRIE = "famille", "De la famille à la mairie"
    MAIRIE_VERS_FAMILLE = "mairie", "De la mairie à la famille"


class Rubrique(models.TextChoices):
    """Les rubriques de la boîte de réception d'une famille (pas un champ : un filtre)."""

    RECUS = "recus", "Reçus"
    ENVOYES = "envoyes", "Envoyés"
    SUPPRIMES = "supprimes", "Supprimés"


def _chemin_piece_jointe(instance: "Message", nom: str) -> str:
    return chemin_prive("messages", nom)


class Message(models.Model):
    """Un message de la boîte de réception, entre une famille et la mairie.

    ``lu_le`` : lu par son destinataire (la famille pour un message de la mairie, un agent
    pour un message de la famille). ``supprime_le`` : mis par la famille dans « Supprimés ».
    """

    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.CASCADE,
        related_name="messages",
    )
    direction = models.CharField("sens", max_length=8, choices=Direction.choices)
    sujet = models.CharField("sujet", max_length=200)
    texte = models.TextField("message")
    piece_jointe = models.FileField(
        "pièce jointe", upload_to=_chemin_piece_jointe, max_length=255, blank=True
    )
    nom_piece_jointe = models.CharField("nom de la pièce jointe", max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="en réponse à",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reponses",
    )
    # Les messages d'un même envoi groupé partagent ce numéro (et leur pièce jointe).
    envoi = models.UUIDField("envoi groupé", null=True, blank=True, db_index=True)
    cree_le = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lu_le = models.DateTimeField("lu le", null=True, blank=True)
    supprime_le = models.DateTimeField("supprimé par la famille le", null=True, blank=True)

    class Meta:
        verbose_name = "message"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(
                fields=["famille", "direction", "-cree_le"], name="message_famille_sens_date"
            ),
            models.Index(
                fields=["famille"],
                condition=models.Q(
                    direction="mairie", lu_le__isnull=True, supprime_le__isnull=True
                ),
                name="message_non_lu_famille",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sujet=""), name="message_sujet_non_vide"),
        ]

    def __str__(self) -> str:
        return self.sujet

    @property
    def de_la_mairie(self) -> bool:
        return self.direction == Direction.MAIRIE_VERS_FAMILLE
