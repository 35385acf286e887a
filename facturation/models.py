"""Régies, tarifs, factures, règlements et paiement en ligne.

Les montants déjà réglés et restant à régler ne sont jamais stockés : ils sont calculés en
SQL (``Facture.objects.avec_soldes()``), si bien que les soldes tombent toujours juste.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from familles.validators import valider_bic, valider_iban
from reservations.models import TypeActivite

ZERO = Decimal("0.00")

# Les types de demande de la facturation, lus par ses services et par ses e-mails.
DUPLICATA = "facture_duplicata"
RECU = "reglement_recu"


class ModePaiementPayfip(models.TextChoices):
    TEST = "T", "Test"
    ACTIVATION = "X", "Activation"
    PRODUCTION = "W", "Production"


class Regie(models.Model):
    """Une régie de recettes : elle facture certaines activités et encaisse leurs règlements."""

    nom = models.CharField("nom", max_length=120, unique=True)
    prefixe = models.CharField(
        "préfixe des factures", max_length=6, help_text="Ex. « CA » donne CA000153."
    )
    numero_client_payfip = models.CharField(
        "numéro client PayFiP",
        max_length=6,
        blank=True,
        help_text="6 chiffres fournis par la DGFiP.",
    )
    mode_payfip = models.CharField(
        "mode PayFiP",
        max_length=1,
        choices=ModePaiementPayfip.choices,
        default=ModePaiementPayfip.PRODUCTION,
    )
    delai_paiement_jours = models.PositiveIntegerField("délai de paiement (jours)", default=30)
    # Prélèvement SEPA : sans ICS, la régie ne propose pas le prélèvement.
    ics = models.CharField(
        "identifiant créancier SEPA (ICS)",
        max_length=35,
        blank=True,
        help_text="Ex. FR72ZZZ123456. Vide : pas de prélèvement automatique pour cette régie.",
    )
    creancier_nom = models.CharField("nom du créancier", max_length=70, blank=True)
    creancier_iban = models.CharField(
        "IBAN du créancier", max_length=34, blank=True, validators=[valider_iban]
    )
    creancier_bic = models.CharField(
        "BIC du créancier", max_length=11, blank=True, validators=[valider_bic]
    )
    jour_prelevement = models.PositiveSmallIntegerField(
        "jour du prélèvement", default=5, help_text="Jour du mois (1 à 28)."
    )
    delai_prenotification_jours = models.PositiveSmallIntegerField(
        "délai de pré-notification (jours)", default=14
    )
    signature_en_ligne = models.BooleanField(
        "signature du mandat en ligne acceptée",
        default=False,
        help_text="Sinon, le mandat papier signé est enregistré par un agent.",
    )
    # Compteurs verrouillés (select_for_update) : numéros sans trou, même en concurrence.
    prochain_numero_facture = models.PositiveIntegerField("prochain numéro de facture", default=1)
    prochain_numero_reglement = models.PositiveIntegerField(
        "prochain numéro de règlement", default=1
    )

    class Meta:
        verbose_name = "régie"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["prefixe"], name="regie_prefixe_unique"),
            models.CheckConstraint(
                condition=Q(numero_client_payfip="") | Q(numero_client_payfip__regex=r"^\d{6}$"),
                name="regie_numero_payfip_6_chiffres",
            ),
            models.CheckConstraint(
                condition=Q(jour_prelevement__gte=1, jour_prelevement__lte=28),
                name="regie_jour_prelevement_1_a_28",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def propose_prelevement(self) -> bool:
        return bool(self.ics and self.creancier_iban and self.creancier_bic)


class ActiviteFacturee(models.Model):
    """Une activité et la régie qui la facture (une seule régie par activité)."""

    regie = models.ForeignKey(
        Regie, verbose_name="régie", on_delete=models.CASCADE, related_name="activites_facturees"
    )
    activite = models.OneToOneField(
        "reservations.Activite",
        verbose_name="activité",
        on_delete=models.CASCADE,
        related_name="facturation",
    )
    eligible_frais_garde = models.BooleanField(
        "éligible au crédit d'impôt frais de garde",
        default=False,
        help_text="Garde d'enfants de moins de 6 ans (article 200 quater B du CGI) : garderie, "
        "ALSH. Jamais la cantine (les repas sont exclus).",
    )

    class Meta:
        verbose_name = "activité facturée"
        verbose_name_plural = "activités facturées"

    def __str__(self) -> str:
        return f"{self.activite} ({self.regie})"

    def clean(self) -> None:
        if (
            self.eligible_frais_garde
            and self.activite_id
            and self.activite.type == TypeActivite.CANTINE
        ):
            raise ValidationError(
                {"eligible_frais_garde": "Les repas de la cantine ne sont jamais éligibles."}
            )


class Tarif(models.Model):
    """Le prix d'une unité, valable sur une période, éventuellement pour une tranche de QF."""

    unite = models.ForeignKey(
        "reservations.Unite", verbose_name="unité", on_delete=models.CASCADE, related_name="tarifs"
    )
    date_debut = models.DateField("valable du")
    date_fin = models.DateField("valable jusqu'au", null=True, blank=True)
    quotient_min = models.PositiveIntegerField(
        "quotient familial à partir de", null=True, blank=True
    )
    quotient_max = models.PositiveIntegerField(
        "quotient familial jusqu'à",
        null=True,
        blank=True,
        help_text="Vide : sans plafond (tarif appliqué aussi aux familles sans quotient).",
    )
    prix = models.DecimalField("prix unitaire", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "tarif"
        ordering = ["unite", "date_debut", "quotient_min"]
        constraints = [
            models.CheckConstraint(condition=Q(prix__gte=0), name="tarif_prix_positif"),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="tarif_dates_ordonnees",
            ),
            models.CheckConstraint(
                condition=Q(quotient_min__isnull=True)
                | Q(quotient_max__isnull=True)
                | Q(quotient_max__gte=F("quotient_min")),
                name="tarif_tranche_ordonnee",
            ),
        ]

    def __str__(self) -> str:
        tranche = ""
        if self.quotient_min is not None or self.quotient_max is not None:
            tranche = f" (QF {self.quotient_min or 0}–{self.quotient_max or '∞'})"
        return f"{self.unite} : {self.prix} €{tranche}"


class FactureQuerySet(models.QuerySet):
    def avec_soldes(self) -> "FactureQuerySet":
        """Ajoute deja_regle, avoirs et reste (calculés en SQL, une seule requête)."""
        regle = (
            Affectation.objects.filter(facture=OuterRef("pk"))
            .values("facture")
            .annotate(s=Sum("montant"))
            .values("s")
        )
        avoirs = (
            Facture.objects.filter(facture_corrigee=OuterRef("pk"))
            .values("facture_corrigee")
            .annotate(s=Sum("total"))
            .values("s")
        )
        zero = Value(ZERO, output_field=models.DecimalField(max_digits=10, decimal_places=2))
        return self.annotate(
            deja_regle=Coalesce(Subquery(regle), zero),
            avoirs=Coalesce(Subquery(avoirs), zero),
        ).annotate(
            reste=models.Case(
                models.When(facture_corrigee__isnull=False, then=zero),
                default=F("total") + F("avoirs") - F("deja_regle"),
                output_field=models.DecimalField(max_digits=10, decimal_places=2),
            )
        )

    def impayees(self) -> "FactureQuerySet":
        return self.avec_soldes().filter(facture_corrigee__isnull=True, reste__gt=0)


class Facture(models.Model):
    """Une facture (ou un avoir : total négatif, référence la facture corrigée)."""

    regie = models.ForeignKey(
        Regie, verbose_name="régie", on_delete=models.PROTECT, related_name="factures"
    )
    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.PROTECT,
        related_name="factures",
    )
    numero_ordre = models.PositiveIntegerField("numéro d'ordre")
    numero = models.CharField("N°", max_length=20)
    periode_debut = models.DateField("du")
    periode_fin = models.DateField("au")
    date = models.DateField("date de facture")
    echeance = models.DateField("date d'échéance")
    total = models.DecimalField("montant", max_digits=10, decimal_places=2)
    facture_corrigee = models.ForeignKey(
        "self",
        verbose_name="facture corrigée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avoirs_emis",
    )
    motif = models.CharField("motif de l'avoir", max_length=255, blank=True)
    creee_le = models.DateTimeField("créée le", auto_now_add=True)
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FactureQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        ordering = ["-date", "-numero_ordre"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "numero_ordre"], name="facture_ordre_unique"),
            models.UniqueConstraint(fields=["regie", "numero"], name="facture_numero_unique"),
            models.CheckConstraint(
                condition=Q(facture_corrigee__isnull=True, total__gte=0)
                | Q(facture_corrigee__isnull=False, total__lt=0),
                name="facture_avoir_negatif",
            ),
            models.CheckConstraint(
                condition=Q(periode_fin__gte=F("periode_debut")), name="facture_periode_ordonnee"
            ),
        ]
        indexes = [models.Index(fields=["famille", "date"], name="facture_famille_date")]

    def __str__(self) -> str:
        return f"{'Avoir' if self.est_avoir else 'Facture'} {self.numero}"

    @property
    def est_avoir(self) -> bool:
        return self.facture_corrigee_id is not None


class LigneFacture(models.Model):
    facture = models.ForeignKey(
        Facture, verbose_name="facture", on_delete=models.CASCADE, related_name="lignes"
    )
    # Copie de reservation.enfant (pour grouper par enfant sans jointure). Sans contrainte
    # en base : la facturation écrit des centaines de milliers de lignes et chaque clé
    # étrangère vérifiée coûte cher au COMMIT ; PROTECT reste appliqué par l'ORM.
    enfant = models.ForeignKey(
        "familles.Enfant",
        verbose_name="enfant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    reservation = models.OneToOneField(
        "reservations.Reservation",
        verbose_name="réservation facturée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ligne_facture",
    )
    date = models.DateField("date")
    libelle = models.CharField("libellé", max_length=160)
    quantite = models.DecimalField("quantité", max_digits=6, decimal_places=2, default=1)
    prix_unitaire = models.DecimalField("prix unitaire", max_digits=10, decimal_places=2)
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["facture", "enfant", "date", "id"]
        constraints = [
            # Le OneToOne garantit déjà qu'une réservation n'est facturée qu'une fois.
            models.CheckConstraint(
                condition=Q(montant=F("quantite") * F("prix_unitaire")),
                name="ligne_facture_montant_exact",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class ModeReglement(models.TextChoices):
    EN_LIGNE = "en_ligne", "Paiement en ligne"
    CHEQUE = "cheque", "Chèque"
    ESPECES = "especes", "Espèces"
    CESU = "cesu", "CESU"
    PRELEVEMENT = "prelevement", "Prélèvement"
    VIREMENT = "virement", "Virement"


class ReglementQuerySet(models.QuerySet):
    def avec_affecte(self) -> "ReglementQuerySet":
        affecte = (
            Affectation.objects.filter(reglement=OuterRef("pk"))
            .values("reglement")
            .annotate(s=Sum("montant"))
            .values("s")
        )
        return self.annotate(
            montant_affecte=Coalesce(
                Subquery(affecte),
                Value(ZERO, output_field=models.DecimalField(max_digits=10, decimal_places=2)),
            )
        )


class Reglement(models.Model):
    regie = models.ForeignKey(
        Regie, verbose_name="régie", on_delete=models.PROTECT, related_name="reglements"
    )
    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.PROTECT,
        related_name="reglements",
    )
    numero = models.PositiveIntegerField("N°")
    date = models.DateField("date")
    mode = models.CharField("mode", max_length=12, choices=ModeReglement.choices)
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)
    reference = models.CharField("référence", max_length=60, blank=True)
    encaisse_le = models.DateField("encaissé le", null=True, blank=True)
    # Un prélèvement rejeté : le règlement reste (audit) mais ne compte plus et n'impute rien.
    annule_le = models.DateField("annulé le", null=True, blank=True)
    motif_annulation = models.CharField("motif de l'annulation", max_length=160, blank=True)
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistré par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReglementQuerySet.as_manager()

    class Meta:
        verbose_name = "règlement"
        ordering = ["-date", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "numero"], name="reglement_numero_unique"),
            models.CheckConstraint(condition=Q(montant__gt=0), name="reglement_montant_positif"),
        ]
        indexes = [models.Index(fields=["famille", "date"], name="reglement_famille_date")]

    def __str__(self) -> str:
        return f"Règlement n°{self.numero} ({self.regie.prefixe})"


class Affectation(models.Model):
    """La part d'un règlement imputée sur une facture."""

    reglement = models.ForeignKey(
        Reglement, verbose_name="règlement", on_delete=models.CASCADE, related_name="affectations"
    )
    facture = models.ForeignKey(
        Facture, verbose_name="facture", on_delete=models.PROTECT, related_name="affectations"
    )
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "affectation"
        constraints = [
            models.UniqueConstraint(
                fields=["reglement", "facture"], name="affectation_unique_par_facture"
            ),
            models.CheckConstraint(condition=Q(montant__gt=0), name="affectation_montant_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.montant} € sur {self.facture.numero}"


class LeveeSuspension(models.Model):
    """Un régisseur a levé, pour une famille, la suspension des réservations pour impayés."""

    famille = models.OneToOneField(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.CASCADE,
        related_name="+",
    )
    motif = models.CharField("motif", max_length=200, blank=True)
    levee_le = models.DateTimeField("levée le", auto_now_add=True)
    levee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="levée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "suspension levée"
        verbose_name_plural = "suspensions levées (réservations malgré les impayés)"
        ordering = ["-levee_le"]

    def __str__(self) -> str:
        return f"Suspension levée — famille {self.famille_id}"


# Les modèles du paiement en ligne et du prélèvement SEPA vivent dans leurs modules
# (ré-exportés ici : Django et le reste du code les lisent dans facturation.models).
from .models_payfip import ETATS_TRANSACTION_FINIS as ETATS_TRANSACTION_FINIS  # noqa: E402
from .models_payfip import EtatTransaction as EtatTransaction  # noqa: E402
from .models_payfip import EvenementPaiement as EvenementPaiement  # noqa: E402
from .models_payfip import OperationSimulee as OperationSimulee  # noqa: E402
from .models_payfip import TransactionFacture as TransactionFacture  # noqa: E402
from .models_payfip import TransactionPaiement as TransactionPaiement  # noqa: E402
from .prelevement.models import LotPrelevement as LotPrelevement  # noqa: E402
from .prelevement.models import Mandat as Mandat  # noqa: E402
from .prelevement.models import OperationPrelevement as OperationPrelevement  # noqa: E402
