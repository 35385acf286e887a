"""Attestation annuelle de frais de garde (article 200 quater B du code général des impôts).

Pour un foyer et une année civile : par enfant de moins de 6 ans au 1er janvier de l'année,
les sommes **payées** dans l'année pour les activités que l'agent a déclarées éligibles
(jamais la cantine : les repas sont exclus). Un règlement est imputé sur une facture entière
(``Affectation``) ; la part d'un enfant et d'une activité éligible est celle de ses lignes
dans le total de la facture (au prorata, au centime près).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear

from familles.models import Famille
from familles.selectors import enfants_du_foyer
from portail.noyau.lectures import lecture_compilee
from portail.noyau.pdf import rendre_pdf
from reservations.models import TypeActivite

from .models import ZERO, Affectation, Facture, LigneFacture, Reglement

CENTIME = Decimal("0.01")

# Une ligne est éligible si son activité l'est et n'est pas une cantine.
LIGNE_ELIGIBLE = Q(reservation__unite__activite__facturation__eligible_frais_garde=True) & ~Q(
    reservation__unite__activite__type=TypeActivite.CANTINE
)


@dataclass
class PeriodeAttestee:
    numero: str
    debut: date
    fin: date
    montant: Decimal


@dataclass
class EnfantAtteste:
    prenom: str
    nom: str
    date_naissance: date | None
    periodes: list[PeriodeAttestee] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.montant for p in self.periodes), ZERO)


@dataclass
class Attestation:
    famille: Famille
    annee: int
    enfants: list[EnfantAtteste]

    @property
    def total(self) -> Decimal:
        return sum((e.total for e in self.enfants), ZERO)

    @property
    def vide(self) -> bool:
        return self.total == ZERO

    @property
    def nom_fichier(self) -> str:
        return f"attestation-frais-de-garde-{self.annee}-{self.famille.numero}.pdf"


def _limite_naissance(annee: int) -> date:
    """Moins de 6 ans au 1er janvier : né après le 1er janvier de l'année moins 6."""
    return date(annee - 6, 1, 1)


def attestation_frais_garde(*, famille: Famille, annee: int) -> Attestation:
    """L'attestation d'un foyer pour une année civile, en quatre requêtes au plus.

    Garde alternée : l'enfant accueilli y figure aussi, mais chaque foyer n'atteste que ce
    qu'il a payé, sur ses propres factures."""
    paye = dict(
        Affectation.objects.filter(
            reglement__famille=famille,
            facture__famille=famille,
            reglement__date__year=annee,
            facture__facture_corrigee__isnull=True,
        )
        .values("facture")
        .annotate(s=Sum("montant"))
        .values_list("facture", "s")
    )
    enfants = {
        e.pk: e
        for e in enfants_du_foyer(famille)
        .filter(date_naissance__gt=_limite_naissance(annee))
        .order_by("date_naissance", "prenom")
    }
    if not paye or not enfants:
        return Attestation(famille=famille, annee=annee, enfants=[])
    totaux = dict(
        LigneFacture.objects.filter(facture__in=paye.keys())
        .values("facture")
        .annotate(s=Sum("montant"))
        .values_list("facture", "s")
    )
    eligibles = (
        LigneFacture.objects.filter(LIGNE_ELIGIBLE, facture__in=paye.keys(), enfant__in=enfants)
        .values(
            "enfant", "facture", "facture__numero", "facture__periode_debut", "facture__periode_fin"
        )
        .annotate(s=Sum("montant"))
        .values_list(
            "enfant",
            "facture",
            "facture__numero",
            "facture__periode_debut",
            "facture__periode_fin",
            "s",
        )
        .order_by("facture__periode_debut", "facture__numero")
    )
    par_enfant: dict[int, list[PeriodeAttestee]] = defaultdict(list)
    for enfant_id, facture_id, numero, debut, fin, montant in eligibles:
        total = totaux.get(facture_id) or ZERO
        if total <= 0:
            continue
        part = min(paye[facture_id] * montant / total, montant)
        part = part.quantize(CENTIME, rounding=ROUND_HALF_UP)
        if part > 0:
            par_enfant[enfant_id].append(
                PeriodeAttestee(numero=numero, debut=debut, fin=fin, montant=part)
            )
    return Attestation(
        famille=famille,
        annee=annee,
        enfants=[
            EnfantAtteste(
                prenom=e.prenom,
                nom=e.nom,
                date_naissance=e.date_naissance,
                periodes=par_enfant[pk],
            )
            for pk, e in enfants.items()
            if par_enfant.get(pk)
        ],
    )


def annees_avec_paiements(famille: Famille) -> list[int]:
    """Les années civiles où le foyer a payé quelque chose, la plus récente d'abord."""
    return _annees_des_reglements(famille_id=famille.pk)


@lecture_compilee
def _annees_des_reglements(famille_id: int):
    return (
        Reglement.objects.filter(famille_id=famille_id)
        .annotate(annee=ExtractYear("date"))
        .values_list("annee", flat=True)
        .distinct()
        .order_by("-annee")
    )


def familles_a_attester(annee: int):
    """Les foyers qui ont payé dans l'année une garde éligible d'un enfant de moins de 6 ans."""
    factures = LigneFacture.objects.filter(
        LIGNE_ELIGIBLE, enfant__date_naissance__gt=_limite_naissance(annee)
    ).values("facture")
    payees = Affectation.objects.filter(reglement__date__year=annee, facture__in=factures)
    return (
        Famille.objects.filter(
            pk__in=Facture.objects.filter(pk__in=payees.values("facture")).values("famille")
        )
        .prefetch_related("responsables__compte")
        .order_by("numero")
    )


def pdf_attestation(attestation: Attestation) -> bytes:
    return rendre_pdf("facturation/pdf/attestation.html", {"attestation": attestation})
