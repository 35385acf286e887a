"""Le paiement en ligne PayFiP : transactions, factures payées, journal des notifications
et opérations du simulateur local."""

import uuid

from django.db import models
from django.db.models import Q

from .models import Facture, Regie, Reglement


class EtatTransaction(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    PAYEE = "payee", "Payée"
    REFUSEE = "refusee", "Refusée"
    ANNULEE = "annulee", "Annulée"
    EXPIREE = "expiree", "Expirée"
    ANOMALIE = "anomalie", "Anomalie (rien n'est payé, à vérifier)"
    ERREUR = "erreur", "Erreur de communication"


ETATS_TRANSACTION_FINIS = (
    EtatTransaction.PAYEE,
    EtatTransaction.REFUSEE,
    EtatTransaction.ANNULEE,
    EtatTransaction.EXPIREE,
    EtatTransaction.ANOMALIE,
)


class TransactionPaiement(models.Model):
    """Un paiement en ligne PayFiP : une référence de dette, un montant, plusieurs factures."""

    jeton = models.UUIDField("jeton", default=uuid.uuid4, unique=True, editable=False)
    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.PROTECT,
        related_name="transactions_paiement",
    )
    regie = models.ForeignKey(
        Regie, verbose_name="régie", on_delete=models.PROTECT, related_name="transactions"
    )
    reference = models.CharField("référence de la dette", max_length=30)
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)
    email = models.EmailField("e-mail du payeur")
    idop = models.CharField("identifiant PayFiP (idOp)", max_length=64, null=True, blank=True)
    etat = models.CharField(
        "état", max_length=10, choices=EtatTransaction.choices, default=EtatTransaction.EN_COURS
    )
    message = models.TextField("journal", blank=True)
    donnees_banque = models.JSONField("réponse de PayFiP", default=dict, blank=True)
    reglement = models.OneToOneField(
        Reglement,
        verbose_name="règlement créé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transaction",
    )
    creee_le = models.DateTimeField("créée le", auto_now_add=True)
    terminee_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "transaction de paiement en ligne"
        verbose_name_plural = "transactions de paiement en ligne"
        ordering = ["-creee_le"]
        constraints = [
            models.UniqueConstraint(fields=["idop"], name="transaction_idop_unique"),
            models.CheckConstraint(condition=Q(montant__gt=0), name="transaction_montant_positif"),
            models.CheckConstraint(
                condition=~Q(etat="payee") | Q(reglement__isnull=False),
                name="transaction_payee_a_un_reglement",
            ),
        ]

    def __str__(self) -> str:
        return f"Paiement en ligne {self.reference} ({self.get_etat_display().lower()})"


class TransactionFacture(models.Model):
    transaction = models.ForeignKey(
        TransactionPaiement,
        verbose_name="transaction",
        on_delete=models.CASCADE,
        related_name="lignes",
    )
    facture = models.ForeignKey(
        Facture, verbose_name="facture", on_delete=models.PROTECT, related_name="+"
    )
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)
    # Vrai tant que la transaction est en cours : une facture n'a qu'un paiement en cours.
    en_cours = models.BooleanField("en cours", default=True)

    class Meta:
        verbose_name = "facture payée en ligne"
        verbose_name_plural = "factures payées en ligne"
        constraints = [
            models.UniqueConstraint(
                fields=["facture"],
                condition=Q(en_cours=True),
                name="un_paiement_en_cours_par_facture",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0), name="transaction_facture_montant_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.montant} € sur la facture n°{self.facture_id}"


class EvenementPaiement(models.Model):
    """Ce que PayFiP a répondu, à chaque notification, retour ou vérification (journal)."""

    transaction = models.ForeignKey(
        TransactionPaiement,
        verbose_name="transaction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evenements",
    )
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    source = models.CharField("source", max_length=20)
    idop = models.CharField("idOp reçu", max_length=64, blank=True)
    resultat = models.CharField("résultat", max_length=255)
    donnees = models.JSONField("données", default=dict, blank=True)

    class Meta:
        verbose_name = "événement de paiement"
        verbose_name_plural = "journal des paiements en ligne"
        ordering = ["-recu_le", "-id"]

    def __str__(self) -> str:
        return f"{self.source} : {self.resultat}"


class OperationSimulee(models.Model):
    """Une opération du simulateur PayFiP local (démo, développement, tests)."""

    idop = models.CharField("idOp", max_length=64, unique=True)
    numcli = models.CharField(max_length=6)
    exer = models.CharField(max_length=4)
    refdet = models.CharField(max_length=30)
    montant = models.CharField("montant (centimes)", max_length=12)
    mel = models.CharField(max_length=80)
    objet = models.CharField(max_length=100, blank=True)
    saisie = models.CharField(max_length=1)
    urlnotif = models.CharField(max_length=500)
    urlredirect = models.CharField(max_length=500)
    resultrans = models.CharField("résultat", max_length=1, blank=True)
    numauto = models.CharField(max_length=16, blank=True)
    creee_le = models.DateTimeField(auto_now_add=True)
    payee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "opération du simulateur PayFiP"
        verbose_name_plural = "opérations du simulateur PayFiP"

    def __str__(self) -> str:
        return self.idop
