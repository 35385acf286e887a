import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from demandes.models import lien_demande


class TypeActivite(models.TextChoices):
    CANTINE = "cantine", "Cantine"
    PERISCOLAIRE = "periscolaire", "Garderie / périscolaire"
    ALSH = "alsh", "Accueil de loisirs (ALSH)"


class Validation(models.TextChoices):
    MANUELLE = "manuelle", "Manuelle (un agent valide)"
    AUTOMATIQUE = "automatique", "Automatique (dans les règles)"


class RegleFermeture(models.TextChoices):
    """Quand une période mensuelle ferme aux réservations (calculé à sa création)."""

    VINGT = "vingt", "Le 20 du mois précédent à 23:59"
    DERNIERE_SEMAINE = (
        "derniere_semaine",
        "Avant la dernière semaine du mois précédent (fermée dès son lundi)",
    )
    AUCUNE = "aucune", "Pas de fermeture (seul le délai compte)"


class Activite(models.Model):
    nom = models.CharField("nom", max_length=80, unique=True)
    type = models.CharField("type", max_length=15, choices=TypeActivite.choices)
    ordre = models.PositiveIntegerField("ordre d'affichage", default=0)
    actif = models.BooleanField("active", default=True)
    validation = models.CharField(
        "validation des demandes",
        max_length=12,
        choices=Validation.choices,
        default=Validation.MANUELLE,
    )
    # Délais : pas d'ajout ni de suppression à moins de N jours, à l'heure limite près.
    delai_ajout_jours = models.PositiveIntegerField("délai pour ajouter (jours)", default=7)
    delai_suppression_jours = models.PositiveIntegerField("délai pour supprimer (jours)", default=7)
    heure_limite = models.TimeField(
        "heure limite le dernier jour", null=True, blank=True, help_text="Vide : minuit."
    )
    delai_jours_ouvres = models.BooleanField(
        "compter seulement les jours ouvrés",
        default=False,
        help_text="Si coché, les week-ends et jours fériés ne comptent pas dans le délai.",
    )
    ouverte_vacances = models.BooleanField("ouverte pendant les vacances scolaires", default=False)
    regle_fermeture = models.CharField(
        "fermeture des périodes",
        max_length=16,
        choices=RegleFermeture.choices,
        default=RegleFermeture.VINGT,
        help_text="Règle de Carnin : « Les réservations du mois suivant doivent être effectuées "
        "avant la dernière semaine du mois en cours ». Appliquée aux périodes créées ensuite, "
        "ou aux périodes à venir par l'action « Appliquer la règle de fermeture ».",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "activité"
        ordering = ["ordre", "nom"]

    def __str__(self) -> str:
        return self.nom


class Unite(models.Model):
    """Une unité réservable d'une activité : Repas, Matin, Soir, Journée, Après-midi."""

    activite = models.ForeignKey(
        Activite, verbose_name="activité", on_delete=models.CASCADE, related_name="unites"
    )
    nom = models.CharField("nom", max_length=60)
    ordre = models.PositiveIntegerField("ordre", default=0)
    capacite = models.PositiveIntegerField(
        "capacité par jour", null=True, blank=True, help_text="Vide : pas de limite."
    )
    incompatibles = models.ManyToManyField(
        "self", verbose_name="incompatible avec", blank=True, symmetrical=True
    )
    # Jours de la semaine où l'unité ouvre : un booléen par jour, lisible dans l'admin.
    lundi = models.BooleanField("lundi", default=True)
    mardi = models.BooleanField("mardi", default=True)
    mercredi = models.BooleanField("mercredi", default=False)
    jeudi = models.BooleanField("jeudi", default=True)
    vendredi = models.BooleanField("vendredi", default=True)
    samedi = models.BooleanField("samedi", default=False)
    dimanche = models.BooleanField("dimanche", default=False)
    history = HistoricalRecords(m2m_fields=[incompatibles])

    class Meta:
        verbose_name = "unité"
        ordering = ["activite", "ordre", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["activite", "nom"], name="unite_nom_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.activite.nom} — {self.nom}"

    @property
    def jours_semaine(self) -> set[int]:
        """Les jours ouverts, au format date.weekday() (0 = lundi)."""
        drapeaux = [
            self.lundi,
            self.mardi,
            self.mercredi,
            self.jeudi,
            self.vendredi,
            self.samedi,
            self.dimanche,
        ]
        return {i for i, ouvert in enumerate(drapeaux) if ouvert}


class Periode(models.Model):
    """Une période de réservation : « CANTINE NOVEMBRE 2026, du 01/11/2026 au 30/11/2026 »."""

    activite = models.ForeignKey(
        Activite, verbose_name="activité", on_delete=models.CASCADE, related_name="periodes"
    )
    nom = models.CharField("nom", max_length=120)
    date_debut = models.DateField("du")
    date_fin = models.DateField("au")
    affichee_du = models.DateField("affichée à partir du", null=True, blank=True)
    affichee_au = models.DateField("affichée jusqu'au", null=True, blank=True)
    reservable_jusqu_au = models.DateTimeField(
        "réservations fermées après le",
        null=True,
        blank=True,
        help_text="Après cette date, la période n'accepte plus de demande.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "période"
        ordering = ["activite", "date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut")),
                name="periode_dates_ordonnees",
            ),
            models.UniqueConstraint(
                fields=["activite", "date_debut", "date_fin"], name="periode_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class JourOuverture(models.Model):
    """Un jour où une unité est ouverte (généré depuis les jours de la semaine)."""

    unite = models.ForeignKey(
        Unite, verbose_name="unité", on_delete=models.CASCADE, related_name="jours"
    )
    date = models.DateField("date")
    # Fermée par un agent, ou dans le délai quand une place s'est libérée : la place libérée
    # ne va plus à la liste d'attente, et personne ne s'y inscrit plus.
    attente_fermee = models.BooleanField("liste d'attente fermée", default=False)

    class Meta:
        verbose_name = "jour d'ouverture"
        verbose_name_plural = "jours d'ouverture"
        ordering = ["date", "unite"]
        constraints = [
            models.UniqueConstraint(fields=["unite", "date"], name="jour_ouverture_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unite} le {self.date:%d/%m/%Y}"


class Fermeture(models.Model):
    """Un jour de fermeture exceptionnelle (une activité, ou toutes si vide)."""

    activite = models.ForeignKey(
        Activite,
        verbose_name="activité",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fermetures",
    )
    date = models.DateField("date")
    motif = models.CharField("motif", max_length=120, blank=True)

    class Meta:
        verbose_name = "fermeture"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"Fermeture du {self.date:%d/%m/%Y}"


class Inscription(models.Model):
    """L'inscription d'un enfant à une activité : il peut alors y réserver."""

    enfant = models.ForeignKey(
        "familles.Enfant",
        verbose_name="enfant",
        on_delete=models.CASCADE,
        related_name="inscriptions",
    )
    activite = models.ForeignKey(
        Activite, verbose_name="activité", on_delete=models.CASCADE, related_name="inscriptions"
    )
    date_debut = models.DateField("à partir du")
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "inscription"
        ordering = ["enfant", "activite"]
        constraints = [
            models.UniqueConstraint(fields=["enfant", "activite"], name="inscription_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enfant} — {self.activite}"


class EtatReservation(models.TextChoices):
    DEMANDEE = "demandee", "Demande en attente"
    RESERVEE = "reservee", "Réservé"
    REFUSEE = "refusee", "Réservation refusée"
    ABSENCE_DEMANDEE = "absence_demandee", "Absence en cours de traitement"
    ABSENT_EXCUSE = "absent_excuse", "Absent excusé"
    ABSENT_FACTURE = "absent_facture", "Absent facturé"
    PRESENT = "present", "Présent"
    # Sur la liste d'attente d'un jour complet : n'occupe pas de place (rang_attente).
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"


# États qui occupent une place (capacité) et qui peuvent être facturés.
ETATS_OCCUPANT_UNE_PLACE = (
    EtatReservation.DEMANDEE,
    EtatReservation.RESERVEE,
    EtatReservation.ABSENCE_DEMANDEE,
    EtatReservation.PRESENT,
    EtatReservation.ABSENT_FACTURE,
)
# Ce qu'un agent peut noter au pointage (« Réservé » = pas encore pointé, pour corriger).
ETATS_POINTAGE = (
    EtatReservation.RESERVEE,
    EtatReservation.PRESENT,
    EtatReservation.ABSENT_EXCUSE,
    EtatReservation.ABSENT_FACTURE,
)
ETATS_FACTURABLES = (
    EtatReservation.RESERVEE,
    EtatReservation.PRESENT,
    EtatReservation.ABSENT_FACTURE,
)


class Reservation(models.Model):
    """Une réservation : un enfant, une unité, un jour, et son état."""

    enfant = models.ForeignKey(
        "familles.Enfant",
        verbose_name="enfant",
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    unite = models.ForeignKey(
        Unite, verbose_name="unité", on_delete=models.PROTECT, related_name="reservations"
    )
    # Garde alternée : le foyer qui a réservé ce jour (celui de l'enfant ou son second foyer).
    # C'est lui qui le voit, l'annule et, sauf règle de l'activité, le paie.
    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="foyer qui a réservé",
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField("date")
    etat = models.CharField(
        "état", max_length=20, choices=EtatReservation.choices, default=EtatReservation.DEMANDEE
    )
    # La dernière demande de réservation qui a porté sur ce jour : tant qu'elle est en
    # attente, elle garde la place (ajout) ou signale une suppression demandée.
    demande = models.ForeignKey(
        "demandes.Demande",
        verbose_name="demande",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # L'ordre sur la liste d'attente (état « Liste d'attente ») : le plus petit passe en
    # premier ; le rang affiché est la position dans cet ordre (services/attente.py).
    rang_attente = models.PositiveIntegerField(
        "ordre sur la liste d'attente", null=True, blank=True
    )
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réservation"
        ordering = ["date", "unite"]
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "unite", "date"], name="reservation_unique_par_jour"
            ),
        ]
        indexes = [
            models.Index(fields=["unite", "date", "etat"], name="reservation_unite_date"),
            models.Index(fields=["enfant", "date"], name="reservation_enfant_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enfant} — {self.unite.nom} le {self.date:%d/%m/%Y}"


class MotifAbsence(models.TextChoices):
    MALADIE = "maladie", "Maladie (certificat médical obligatoire)"
    FAMILLE = "famille", "Raison familiale"
    AUTRE = "autre", "Autre"


def chemin_certificat(instance: "Absence", nom: str) -> str:
    # Nom aléatoire : le nom d'origine n'apparaît jamais dans le stockage privé.
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else "bin"
    return f"absences/{uuid.uuid4().hex}.{extension}"


class Absence(models.Model):
    """Une absence déclarée par la famille sur un jour réservé (traitée par une demande)."""

    reservation = models.ForeignKey(
        Reservation,
        verbose_name="réservation",
        on_delete=models.CASCADE,
        related_name="absences",
    )
    motif = models.CharField("motif", max_length=10, choices=MotifAbsence.choices)
    commentaire = models.TextField("précisions de la famille", blank=True)
    certificat = models.FileField(
        "certificat médical", upload_to=chemin_certificat, blank=True, max_length=200
    )
    certificat_nom = models.CharField("nom du fichier envoyé", max_length=120, blank=True)
    demande = lien_demande(related_name="absence")
    cree_le = models.DateTimeField("déclarée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déclarée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "absence"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(motif="maladie") | ~models.Q(certificat=""),
                name="absence_maladie_avec_certificat",
            ),
        ]

    def __str__(self) -> str:
        return f"Absence de {self.reservation}"


class RappelPeriode(models.Model):
    """Le rappel envoyé à une famille avant la fermeture d'une période : une seule fois."""

    periode = models.ForeignKey(
        Periode, verbose_name="période", on_delete=models.CASCADE, related_name="rappels"
    )
    famille = models.ForeignKey(
        "familles.Famille", verbose_name="famille", on_delete=models.CASCADE, related_name="+"
    )
    envoye_le = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel avant fermeture"
        verbose_name_plural = "rappels avant fermeture"
        ordering = ["-envoye_le"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "famille"], name="rappel_periode_unique"),
        ]

    def __str__(self) -> str:
        return f"Rappel {self.periode} — famille {self.famille_id}"


def chemin_reglement(instance: "ReglementInterieur", nom: str) -> str:
    return f"reglements/{uuid.uuid4().hex}.pdf"


class ReglementInterieur(models.Model):
    """Le règlement intérieur d'une année scolaire : à accepter avant de réserver."""

    annee_scolaire = models.CharField(
        "année scolaire", max_length=9, help_text="Par exemple « 2026-2027 »."
    )
    version = models.CharField("version", max_length=20)
    publie_le = models.DateField("date")
    fichier = models.FileField("document (PDF)", upload_to=chemin_reglement, max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "règlement intérieur"
        verbose_name_plural = "règlements intérieurs"
        ordering = ["-annee_scolaire", "-publie_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee_scolaire", "version"], name="reglement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Règlement intérieur {self.annee_scolaire} (version {self.version})"


class AcceptationReglement(models.Model):
    """Un adulte de la famille a accepté une version du règlement intérieur."""

    reglement = models.ForeignKey(
        ReglementInterieur,
        verbose_name="règlement",
        on_delete=models.CASCADE,
        related_name="acceptations",
    )
    famille = models.ForeignKey(
        "familles.Famille", verbose_name="famille", on_delete=models.CASCADE, related_name="+"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    adulte = models.CharField("accepté par", max_length=160)
    accepte_le = models.DateTimeField("accepté le", auto_now_add=True)

    class Meta:
        verbose_name = "acceptation du règlement intérieur"
        verbose_name_plural = "acceptations du règlement intérieur"
        ordering = ["-accepte_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["reglement", "famille"], name="acceptation_reglement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reglement} — {self.adulte}"


class FoyerFacture(models.Model):
    """Garde alternée : cette activité de l'enfant est toujours facturée à ce foyer.

    Sans règle, chaque réservation est facturée au foyer qui l'a réservée.
    """

    enfant = models.ForeignKey(
        "familles.Enfant",
        verbose_name="enfant",
        on_delete=models.CASCADE,
        related_name="foyers_factures",
    )
    activite = models.ForeignKey(
        Activite, verbose_name="activité", on_delete=models.CASCADE, related_name="+"
    )
    famille = models.ForeignKey(
        "familles.Famille",
        verbose_name="foyer facturé",
        on_delete=models.CASCADE,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "foyer facturé (garde alternée)"
        verbose_name_plural = "foyers facturés (garde alternée)"
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "activite"], name="foyer_facture_unique_par_activite"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enfant} — {self.activite} : facturé à {self.famille}"

    def clean(self) -> None:
        if self.enfant_id and self.famille_id and self.famille_id not in self.enfant.foyers_ids():
            raise ValidationError("Le foyer facturé doit être l'un des deux foyers de l'enfant.")
