"""Prélèvement SEPA : mandats, fichiers pain.008 (lots) et opérations (une par facture).

Importés par ``facturation/models.py`` : les modèles restent ceux de l'application facturation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from familles.validators import masquer_iban, valider_bic, valider_iban
from portail.noyau.fichiers import chemin_prive


class StatutMandat(models.TextChoices):
    A_SIGNER = "a_signer", "En attente de signature"
    ACTIF = "actif", "Signé"
    SUSPENDU = "suspendu", "Suspendu"
    CLOS = "clos", "Clos"
    CADUC = "caduc", "Caduc (36 mois sans prélèvement)"


STATUTS_MANDAT_OUVERTS = (StatutMandat.A_SIGNER, StatutMandat.ACTIF, StatutMandat.SUSPENDU)


class Mandat(models.Model):
    """Un mandat SEPA récurrent d'une famille envers une régie (son ICS)."""

    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="famille",
        on_delete=models.PROTECT,
        related_name="mandats",
    )
    regie = models.ForeignKey(
        "facturation.Regie", verbose_name="régie", on_delete=models.PROTECT, related_name="mandats"
    )
    rum = models.CharField("référence unique du mandat (RUM)", max_length=35, unique=True)
    ics = models.CharField("identifiant créancier (ICS)", max_length=35)
    titulaire = models.CharField("débiteur", max_length=120)
    iban = models.CharField("IBAN", max_length=34, validators=[valider_iban])
    bic = models.CharField("BIC", max_length=11, validators=[valider_bic])
    statut = models.CharField(
        "statut", max_length=10, choices=StatutMandat.choices, default=StatutMandat.A_SIGNER
    )
    date_signature = models.DateField("signé le", null=True, blank=True)
    signe_en_ligne_le = models.DateTimeField("signé en ligne le", null=True, blank=True)
    signe_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signé en ligne par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejets_consecutifs = models.PositiveSmallIntegerField("rejets consécutifs", default=0)
    dernier_prelevement = models.DateField("dernier prélèvement", null=True, blank=True)
    remplace = models.ForeignKey(
        "self",
        verbose_name="remplace le mandat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    clos_le = models.DateField("clos le", null=True, blank=True)
    motif_cloture = models.CharField("motif de clôture", max_length=160, blank=True)

    class Meta:
        verbose_name = "mandat de prélèvement"
        verbose_name_plural = "mandats de prélèvement"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["famille", "regie"],
                condition=Q(statut__in=["a_signer", "actif", "suspendu"]),
                name="un_mandat_ouvert_par_famille_et_regie",
            ),
            models.CheckConstraint(
                condition=~Q(statut="actif") | Q(date_signature__isnull=False),
                name="mandat_actif_est_signe",
            ),
        ]

    def __str__(self) -> str:
        return f"Mandat {self.rum}"

    @property
    def iban_masque(self) -> str:
        return masquer_iban(self.iban)


def _chemin_fichier(instance: "LotPrelevement", nom: str) -> str:
    return chemin_prive("prelevements", nom)


class StatutLot(models.TextChoices):
    EMIS = "emis", "Émis (en attente d'encaissement)"
    ENCAISSE = "encaisse", "Encaissé"


class LotPrelevement(models.Model):
    """Un fichier pain.008.001.02 d'une régie pour une date de prélèvement."""

    regie = models.ForeignKey(
        "facturation.Regie",
        verbose_name="régie",
        on_delete=models.PROTECT,
        related_name="lots_prelevement",
    )
    date_prelevement = models.DateField("date de prélèvement")
    identifiant = models.CharField("identifiant du message", max_length=35, unique=True)
    fichier = models.FileField("fichier", upload_to=_chemin_fichier, max_length=255)
    nombre = models.PositiveIntegerField("nombre d'opérations")
    total = models.DecimalField("total", max_digits=12, decimal_places=2)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutLot.choices, default=StatutLot.EMIS
    )
    encaisse_le = models.DateField("encaissé le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "fichier de prélèvement"
        verbose_name_plural = "fichiers de prélèvement"
        ordering = ["-date_prelevement", "-id"]
        constraints = [
            # Deux passages (même concurrents) pour une régie et une date : un seul fichier.
            models.UniqueConstraint(
                fields=["regie", "date_prelevement"], name="un_lot_par_regie_et_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Prélèvement du {self.date_prelevement:%d/%m/%Y} ({self.regie})"


class Sequence(models.TextChoices):
    FRST = "FRST", "Premier prélèvement (FRST)"
    RCUR = "RCUR", "Prélèvement récurrent (RCUR)"


class StatutOperation(models.TextChoices):
    PRESENTEE = "presentee", "Présentée"
    REJETEE = "rejetee", "Rejetée"


# Les codes de rejet SEPA (ISO 20022) les plus courants, expliqués en français.
MOTIFS_REJET = {
    "AC01": "IBAN incorrect",
    "AC04": "compte clôturé",
    "AC06": "compte bloqué",
    "AC13": "compte d'un consommateur non autorisé",
    "AG01": "prélèvement interdit sur ce compte",
    "AG02": "code opération incorrect",
    "AM04": "provision insuffisante",
    "AM05": "opération en double",
    "BE05": "créancier inconnu de la banque",
    "CNOR": "banque du créancier injoignable",
    "DNOR": "banque du débiteur injoignable",
    "FF01": "fichier invalide",
    "MD01": "pas de mandat",
    "MD02": "mandat incomplet",
    "MD06": "remboursement demandé par le débiteur",
    "MD07": "titulaire du compte décédé",
    "MS02": "opposition du débiteur",
    "MS03": "motif non communiqué par la banque",
    "RC01": "BIC incorrect",
    "RR01": "identification du débiteur manquante",
    "RR04": "motif réglementaire",
    "SL01": "service particulier de la banque du débiteur",
}


def libelle_motif(code: str) -> str:
    code = (code or "").strip().upper()
    return f"{code} {MOTIFS_REJET.get(code, 'motif inconnu')}"


class OperationPrelevement(models.Model):
    """Une facture présentée au prélèvement dans un fichier, et le règlement qui l'a soldée."""

    lot = models.ForeignKey(
        LotPrelevement, verbose_name="fichier", on_delete=models.PROTECT, related_name="operations"
    )
    facture = models.ForeignKey(
        "facturation.Facture",
        verbose_name="facture",
        on_delete=models.PROTECT,
        related_name="operations_prelevement",
    )
    mandat = models.ForeignKey(
        Mandat, verbose_name="mandat", on_delete=models.PROTECT, related_name="operations"
    )
    reglement = models.OneToOneField(
        "facturation.Reglement",
        verbose_name="règlement",
        on_delete=models.PROTECT,
        related_name="operation_prelevement",
    )
    sequence = models.CharField("séquence", max_length=4, choices=Sequence.choices)
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)
    # L'IBAN du mandat au moment du fichier (le fichier n'en contient jamais d'autre).
    iban = models.CharField("IBAN", max_length=34)
    statut = models.CharField(
        "statut",
        max_length=10,
        choices=StatutOperation.choices,
        default=StatutOperation.PRESENTEE,
    )
    code_rejet = models.CharField("code de rejet", max_length=4, blank=True)
    rejetee_le = models.DateField("rejetée le", null=True, blank=True)

    class Meta:
        verbose_name = "opération de prélèvement"
        verbose_name_plural = "opérations de prélèvement"
        ordering = ["lot", "id"]
        constraints = [
            # Une facture n'est jamais dans deux fichiers, sauf si son prélèvement a été rejeté.
            models.UniqueConstraint(
                fields=["facture"],
                condition=Q(statut="presentee"),
                name="une_operation_presentee_par_facture",
            ),
            models.CheckConstraint(
                condition=Q(montant__gt=0), name="operation_prelevement_montant_positif"
            ),
            models.CheckConstraint(
                condition=Q(statut="presentee", code_rejet="")
                | Q(statut="rejetee", rejetee_le__isnull=False),
                name="operation_rejetee_a_un_motif",
            ),
        ]

    def __str__(self) -> str:
        return f"Prélèvement de la facture n°{self.facture_id}"

    @property
    def motif(self) -> str:
        return libelle_motif(self.code_rejet) if self.code_rejet else ""
