from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .validators import (
    masquer_bic,
    masquer_iban,
    nom_banque,
    valider_bic,
    valider_code_postal,
    valider_date_non_future,
    valider_date_passee,
    valider_iban,
    valider_montant_positif,
    valider_nom,
    valider_nombre_parts,
    valider_numero_fiscal,
    valider_sans_balise,
    valider_telephone,
)

SANS_BALISE = [valider_sans_balise]


class Civilite(models.TextChoices):
    MONSIEUR = "M", "Monsieur"
    MADAME = "MME", "Madame"


class Qualite(models.TextChoices):
    PERE = "pere", "Père"
    MERE = "mere", "Mère"
    TUTEUR = "tuteur", "Tuteur"
    TUTRICE = "tutrice", "Tutrice"
    BEAU_PARENT = "beau_parent", "Beau-parent"
    AUTRE = "autre", "Autre"


class SituationFamiliale(models.TextChoices):
    CELIBATAIRE = "celibataire", "Célibataire"
    MARIE = "marie", "Marié(e)"
    PACSE = "pacse", "Pacsé(e)"
    CONCUBINAGE = "concubinage", "Vie maritale"
    SEPARE = "separe", "Séparé(e)"
    DIVORCE = "divorce", "Divorcé(e)"
    VEUF = "veuf", "Veuf / veuve"


class Csp(models.TextChoices):
    """Les groupes de catégories socio-professionnelles de l'INSEE."""

    AGRICULTEUR = "agriculteur", "Agriculteur exploitant"
    ARTISAN = "artisan", "Artisan, commerçant, chef d'entreprise"
    CADRE = "cadre", "Cadre, profession intellectuelle supérieure"
    INTERMEDIAIRE = "intermediaire", "Profession intermédiaire"
    EMPLOYE = "employe", "Employé"
    OUVRIER = "ouvrier", "Ouvrier"
    RETRAITE = "retraite", "Retraité"
    SANS_ACTIVITE = "sans_activite", "Sans activité professionnelle"


class Regime(models.TextChoices):
    CAF = "caf", "CAF"
    MSA = "msa", "MSA"
    AUTRE = "autre", "Autre"


class Role(models.TextChoices):
    RESPONSABLE = "responsable", "Responsable"
    CONJOINT = "conjoint", "Conjoint"
    AUTRE = "autre", "Autre adulte"


class Famille(models.Model):
    numero = models.CharField("numéro de famille", max_length=20, unique=True)
    nom = models.CharField("nom de la famille", max_length=120)
    adresse = models.CharField("adresse", max_length=200, blank=True, validators=SANS_BALISE)
    code_postal = models.CharField(
        "code postal", max_length=5, blank=True, validators=[valider_code_postal]
    )
    ville = models.CharField("ville", max_length=100, blank=True, validators=SANS_BALISE)
    email = models.EmailField("e-mail de la famille", blank=True)
    # Fiscales
    numero_fiscal = models.CharField(
        "numéro fiscal", max_length=13, blank=True, validators=[valider_numero_fiscal]
    )
    revenu_fiscal = models.DecimalField(
        "revenu fiscal de référence",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[valider_montant_positif],
    )
    nombre_parts = models.DecimalField(
        "nombre de parts",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[valider_nombre_parts],
    )
    # CAF / MSA
    regime = models.CharField("régime", max_length=5, choices=Regime.choices, blank=True)
    numero_allocataire = models.CharField(
        "numéro d'allocataire", max_length=20, blank=True, validators=SANS_BALISE
    )
    quotient_familial = models.PositiveIntegerField("quotient familial", null=True, blank=True)
    quotient_familial_date = models.DateField(
        "date du quotient familial", null=True, blank=True, validators=[valider_date_non_future]
    )
    # Bancaires (prélèvement)
    titulaire_compte = models.CharField(
        "titulaire du compte", max_length=120, blank=True, validators=[valider_nom]
    )
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[valider_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[valider_bic])
    prelevement = models.BooleanField("demande de prélèvement automatique", default=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "famille"
        ordering = ["nom", "numero"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.numero})"

    def clean(self) -> None:
        super().clean()
        # La règle du dossier ; la facturation la revérifie avant de créer un mandat.
        if self.prelevement and not (self.iban and self.bic):
            raise ValidationError("Le prélèvement automatique demande un IBAN et un BIC.")

    @property
    def adresse_complete(self) -> str:
        return " ".join(p for p in [self.adresse, self.code_postal, self.ville] if p)

    def adresses_a_ecrire(self, *, auteur: models.Model | None = None) -> list[str]:
        """La seule règle des e-mails au foyer. Ceux d'une demande (``auteur`` : le compte qui
        l'a faite) vont à cet adulte s'il les accepte ; les autres à chaque adulte qui les
        accepte, et à l'adresse du foyer si aucun adulte n'a d'adresse. ``responsables``
        (et leur ``compte``) se préchargent : aucune requête de plus par foyer."""
        adultes = list(self.responsables.all())
        for adulte in adultes:
            if auteur is not None and adulte.compte_id == auteur.pk:
                adresse = adulte.adresse_a_ecrire()
                return [adresse] if adresse else []
        adresses = list(dict.fromkeys(a.adresse_a_ecrire() for a in adultes if a.accepte_email))
        adresses = [a for a in adresses if a]
        if adresses or not self.email or (adultes and not any(a.accepte_email for a in adultes)):
            return adresses
        return [self.email.lower()]

    @property
    def iban_masque(self) -> str:
        return masquer_iban(self.iban) if self.iban else ""

    @property
    def bic_masque(self) -> str:
        return masquer_bic(self.bic) if self.bic else ""

    @property
    def nom_banque(self) -> str:
        """« Nom banque » (guide de Haisnes), tiré du BIC par schwifty quand il la connaît."""
        return nom_banque(self.bic)


def calculer_age(naissance: date | None, le: date | None = None) -> int | None:
    if naissance is None:
        return None
    le = le or date.today()
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


class Personne(models.Model):
    nom = models.CharField("nom de famille", max_length=80, validators=[valider_nom])
    prenom = models.CharField("prénom", max_length=80, validators=[valider_nom])
    date_naissance = models.DateField(
        "date de naissance", null=True, blank=True, validators=[valider_date_passee]
    )
    cp_naissance = models.CharField(
        "CP naissance", max_length=5, blank=True, validators=[valider_code_postal]
    )
    ville_naissance = models.CharField(
        "ville de naissance", max_length=100, blank=True, validators=SANS_BALISE
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"

    @property
    def age(self) -> int | None:
        return calculer_age(self.date_naissance)


class Responsable(Personne):
    """Un adulte responsable de la famille (le « Responsable » et le « Conjoint » de Haisnes)."""

    famille = models.ForeignKey(
        Famille, verbose_name="famille", on_delete=models.CASCADE, related_name="responsables"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.RESPONSABLE)
    # Un compte par adulte : la frontière du foyer est Responsable.famille du compte connecté.
    compte = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsable",
    )
    civilite = models.CharField("civilité", max_length=3, choices=Civilite.choices, blank=True)
    qualite = models.CharField("qualité", max_length=12, choices=Qualite.choices, blank=True)
    situation_familiale = models.CharField(
        "situation familiale", max_length=12, choices=SituationFamiliale.choices, blank=True
    )
    adresse_propre = models.BooleanField("adresse différente de celle de la famille", default=False)
    adresse = models.CharField("adresse", max_length=200, blank=True, validators=SANS_BALISE)
    code_postal = models.CharField(
        "code postal", max_length=5, blank=True, validators=[valider_code_postal]
    )
    ville = models.CharField("ville", max_length=100, blank=True, validators=SANS_BALISE)
    telephone_domicile = models.CharField(
        "téléphone domicile", max_length=20, blank=True, validators=[valider_telephone]
    )
    telephone_travail = models.CharField(
        "téléphone travail", max_length=20, blank=True, validators=[valider_telephone]
    )
    telephone_mobile = models.CharField(
        "téléphone mobile", max_length=20, blank=True, validators=[valider_telephone]
    )
    email = models.EmailField("adresse e-mail", blank=True)
    profession = models.CharField("profession", max_length=100, blank=True, validators=SANS_BALISE)
    csp = models.CharField(
        "catégorie socio-professionnelle", max_length=100, blank=True, choices=Csp.choices
    )
    employeur = models.CharField("employeur", max_length=120, blank=True, validators=SANS_BALISE)
    employeur_adresse = models.CharField(
        "adresse de l'employeur", max_length=200, blank=True, validators=SANS_BALISE
    )
    accepte_email = models.BooleanField("accepte les e-mails", default=True)
    accepte_sms = models.BooleanField("accepte les SMS", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "responsable"
        ordering = ["famille", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["famille"],
                condition=models.Q(role="responsable"),
                name="un_seul_responsable_principal",
            )
        ]

    def adresse_a_ecrire(self) -> str:
        """Où la mairie écrit à cet adulte : son adresse, à défaut celle de son compte ; rien
        s'il refuse les e-mails (l'accord est le sien, pas celui du foyer)."""
        if not self.accepte_email:
            return ""
        return (self.email or (self.compte.email if self.compte_id else "")).lower()

    @property
    def adresse_complete(self) -> str:
        if self.adresse_propre:
            return " ".join(p for p in [self.adresse, self.code_postal, self.ville] if p)
        return self.famille.adresse_complete


class Sexe(models.TextChoices):
    FILLE = "F", "Fille"
    GARCON = "M", "Garçon"


class Enfant(Personne):
    famille = models.ForeignKey(
        Famille, verbose_name="famille", on_delete=models.CASCADE, related_name="enfants"
    )
    # Garde alternée : l'enfant vit aussi dans un second foyer, qui réserve pour lui et
    # reçoit ses propres factures ; sa fiche (identité, santé) est partagée par les deux.
    second_foyer = models.ForeignKey(
        Famille,
        verbose_name="second foyer (garde alternée)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enfants_accueillis",
    )
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices, blank=True)
    adresse_de = models.ForeignKey(
        Responsable,
        verbose_name="adresse partagée avec",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ecole = models.CharField("école", max_length=120, blank=True, validators=SANS_BALISE)
    classe = models.CharField("classe", max_length=40, blank=True, validators=SANS_BALISE)
    lunettes = models.BooleanField("porte des lunettes", default=False)
    # Données sanitaires
    allergies = models.TextField("allergies", blank=True, validators=SANS_BALISE)
    regime_alimentaire = models.CharField(
        "régime alimentaire", max_length=120, blank=True, validators=SANS_BALISE
    )
    pai = models.BooleanField("PAI (projet d'accueil individualisé)", default=False)
    pai_details = models.TextField("détails du PAI", blank=True, validators=SANS_BALISE)
    medecin_nom = models.CharField(
        "médecin traitant", max_length=120, blank=True, validators=SANS_BALISE
    )
    medecin_telephone = models.CharField(
        "téléphone du médecin", max_length=20, blank=True, validators=[valider_telephone]
    )
    vaccinations_a_jour = models.BooleanField("vaccinations à jour", default=True)
    vaccinations_details = models.TextField("vaccinations", blank=True, validators=SANS_BALISE)
    actif = models.BooleanField("actif", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "enfant"
        ordering = ["famille", "date_naissance", "prenom"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(second_foyer=models.F("famille")),
                name="second_foyer_distinct",
            )
        ]

    def foyers_ids(self) -> set[int]:
        """Les foyers de l'enfant : le sien et, en garde alternée, le second."""
        return {self.famille_id} | ({self.second_foyer_id} if self.second_foyer_id else set())

    @property
    def adresse_complete(self) -> str:
        if self.adresse_de is not None:
            return self.adresse_de.adresse_complete
        return self.famille.adresse_complete


class PersonneAutorisee(models.Model):
    """Une personne autorisée à venir chercher l'enfant, par un foyer de l'enfant."""

    enfant = models.ForeignKey(
        Enfant,
        verbose_name="enfant",
        on_delete=models.CASCADE,
        related_name="personnes_autorisees",
    )
    # Garde alternée : chaque foyer de l'enfant a ses propres personnes autorisées.
    famille = models.ForeignKey(
        Famille,
        verbose_name="foyer",
        on_delete=models.CASCADE,
        related_name="personnes_autorisees",
    )
    nom = models.CharField("nom", max_length=80, validators=[valider_nom])
    prenom = models.CharField("prénom", max_length=80, validators=[valider_nom])
    telephone = models.CharField("téléphone", max_length=20, validators=[valider_telephone])
    lien = models.CharField("lien avec l'enfant", max_length=60, blank=True, validators=SANS_BALISE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "personne autorisée"
        verbose_name_plural = "personnes autorisées"
        ordering = ["enfant", "nom", "prenom"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"

    def clean(self) -> None:
        super().clean()
        enfant = self.enfant if self.enfant_id else None
        if enfant is not None and self.famille_id and self.famille_id not in enfant.foyers_ids():
            raise ValidationError({"famille": "Ce foyer n'est pas un foyer de l'enfant."})
