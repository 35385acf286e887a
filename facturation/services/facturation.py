"""Facturation mensuelle, numérotation, règlements, affectations et avoirs."""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from familles.models import Famille
from portail.noyau.formats import format_montant
from reservations.models import ETATS_FACTURABLES, FoyerFacture, Reservation

from ..models import (
    ZERO,
    Affectation,
    Facture,
    LigneFacture,
    ModeReglement,
    Regie,
    Reglement,
    Tarif,
)

CENTIME = Decimal("0.01")


def bornes_du_mois(mois: date) -> tuple[date, date]:
    debut = mois.replace(day=1)
    return debut, debut.replace(day=calendar.monthrange(debut.year, debut.month)[1])


def numero_facture(regie: Regie, ordre: int) -> str:
    return f"{regie.prefixe}{ordre:06d}"


def _verrouiller_regie(regie: Regie) -> Regie:
    return Regie.objects.select_for_update().get(pk=regie.pk)


def _montant(valeur: Any, *, nom: str = "Le montant") -> Decimal:
    try:
        montant = Decimal(str(valeur))
    except ArithmeticError as exc:
        raise ValidationError(f"{nom} n'est pas un nombre valide.") from exc
    if not montant.is_finite() or montant != montant.quantize(CENTIME):
        raise ValidationError(f"{nom} doit avoir au plus deux décimales.")
    if montant <= 0:
        raise ValidationError(f"{nom} doit être supérieur à 0,00 €.")
    return montant


# --- Tarifs --------------------------------------------------------------------------


class GrilleTarifs:
    """Les tarifs de quelques unités, chargés en une requête, interrogés en mémoire."""

    def __init__(self, tarifs: Iterable[Tarif]):
        self._par_unite: dict[int, list[Tarif]] = defaultdict(list)
        for tarif in tarifs:
            self._par_unite[tarif.unite_id].append(tarif)
        # La tranche la plus précise d'abord (le plancher de quotient le plus haut).
        for liste in self._par_unite.values():
            liste.sort(key=lambda t: (t.quotient_min is None, -(t.quotient_min or 0)))
        self._cache: dict[tuple[int, date, int | None], Tarif | None] = {}

    def prix(self, unite_id: int, jour: date, quotient: int | None) -> Tarif | None:
        cle = (unite_id, jour, quotient)
        if cle not in self._cache:
            self._cache[cle] = next(
                (
                    t
                    for t in self._par_unite.get(unite_id, [])
                    if _tarif_s_applique(t, jour, quotient)
                ),
                None,
            )
        return self._cache[cle]


def _tarif_s_applique(tarif: Tarif, jour: date, quotient: int | None) -> bool:
    if tarif.date_debut > jour or (tarif.date_fin is not None and tarif.date_fin < jour):
        return False
    if quotient is None:
        # Sans quotient connu, la famille paie la tranche sans plafond (plein tarif).
        return tarif.quotient_max is None
    if tarif.quotient_min is not None and quotient < tarif.quotient_min:
        return False
    return tarif.quotient_max is None or quotient <= tarif.quotient_max


# --- Facturation mensuelle -----------------------------------------------------------


@dataclass
class ResultatFacturation:
    regie: Regie
    debut: date
    fin: date
    essai: bool
    factures: int = 0
    lignes: int = 0
    total: Decimal = ZERO
    numeros: list[str] = field(default_factory=list)
    sans_tarif: list[str] = field(default_factory=list)

    def resume(self) -> str:
        action = "seraient émises" if self.essai else "émises"
        texte = (
            f"{self.regie.nom} — du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y} : "
            f"{self.factures} facture(s) {action}, {self.lignes} ligne(s), "
            f"total {_euros(self.total)}"
        )
        if self.numeros:
            texte += f" (n° {self.numeros[0]} à {self.numeros[-1]})"
        if self.sans_tarif:
            texte += f" ; {len(self.sans_tarif)} réservation(s) sans tarif, non facturées"
        return texte


def facturation_lancer(
    *, mois: date, regie: Regie | None = None, essai: bool = False, agent: Any = None
) -> list[ResultatFacturation]:
    """Facture le mois pour chaque régie (ou une seule) ; relancer ne facture rien deux fois."""
    regies = [regie] if regie is not None else list(Regie.objects.order_by("nom"))
    return [_facturer_regie(regie=r, mois=mois, essai=essai, agent=agent) for r in regies]


# Une ligne à écrire : (enfant, réservation, date, libellé, prix).
_Ligne = tuple[int, int, date, str, Decimal]


@transaction.atomic
def _facturer_regie(*, regie: Regie, mois: date, essai: bool, agent: Any) -> ResultatFacturation:
    # Le verrou de la régie sérialise deux facturations simultanées et la numérotation.
    regie = _verrouiller_regie(regie)
    debut, fin = bornes_du_mois(mois)
    resultat = ResultatFacturation(regie=regie, debut=debut, fin=fin, essai=essai)
    grille = GrilleTarifs(
        Tarif.objects.filter(unite__activite__facturation__regie=regie, date_debut__lte=fin)
    )
    reservations = (
        Reservation.objects.filter(
            unite__activite__facturation__regie=regie,
            date__range=(debut, fin),
            etat__in=ETATS_FACTURABLES,
            ligne_facture__isnull=True,
        )
        # Garde alternée : le foyer facturé est celui que la règle de l'activité désigne,
        # sinon le foyer qui a réservé le jour.
        .annotate(
            foyer_facture=Coalesce(
                Subquery(
                    FoyerFacture.objects.filter(
                        enfant_id=OuterRef("enfant_id"), activite_id=OuterRef("unite__activite_id")
                    ).values("famille_id")[:1]
                ),
                F("famille_id"),
                output_field=IntegerField(),
            )
        )
        .annotate(
            foyer_nom=Subquery(Famille.objects.filter(pk=OuterRef("foyer_facture")).values("nom")),
            foyer_quotient=Subquery(
                Famille.objects.filter(pk=OuterRef("foyer_facture")).values("quotient_familial")
            ),
        )
        .order_by("foyer_nom", "foyer_facture", "enfant_id", "date", "unite__ordre")
        .values_list(
            "id",
            "date",
            "unite_id",
            "enfant_id",
            "foyer_facture",
            "foyer_quotient",
            "unite__nom",
            "unite__activite__nom",
            "enfant__prenom",
        )
        .iterator(chunk_size=20000)
    )
    aujourdhui = timezone.localdate()
    createur = agent if getattr(agent, "is_authenticated", False) else None
    lot: list[tuple[Facture, list[_Ligne]]] = []
    ordre = regie.prochain_numero_facture

    def clore_famille(famille_id: int, lignes: list[_Ligne]) -> None:
        nonlocal ordre
        total = sum((ligne[4] for ligne in lignes), ZERO)
        facture = Facture(
            regie=regie,
            famille_id=famille_id,
            numero_ordre=ordre,
            numero=numero_facture(regie, ordre),
            periode_debut=debut,
            periode_fin=fin,
            date=aujourdhui,
            echeance=aujourdhui + timedelta(days=regie.delai_paiement_jours),
            total=total,
            creee_par=createur,
        )
        ordre += 1
        resultat.factures += 1
        resultat.lignes += len(lignes)
        resultat.total += total
        # Premier et dernier numéro émis.
        resultat.numeros = [(resultat.numeros or [facture.numero])[0], facture.numero]
        if not essai:
            lot.append((facture, lignes))
            if len(lot) >= TAILLE_LOT:
                _ecrire(lot)
                lot.clear()

    famille_courante: int | None = None
    lignes: list[_Ligne] = []
    for (
        rid,
        jour,
        unite_id,
        enfant_id,
        famille_id,
        quotient,
        unite,
        activite,
        prenom,
    ) in reservations:
        tarif = grille.prix(unite_id, jour, quotient)
        if tarif is None:
            resultat.sans_tarif.append(f"{activite} — {unite} le {jour:%d/%m/%Y} ({prenom})")
            continue
        if famille_id != famille_courante:
            if lignes and famille_courante is not None:
                clore_famille(famille_courante, lignes)
            famille_courante, lignes = famille_id, []
        lignes.append(
            # (enfant, réservation, date, libellé, prix) : un tuple, pas une instance de
            # modèle, pour écrire des centaines de milliers de lignes sans surcoût.
            (enfant_id, rid, jour, f"{activite} — {unite}", tarif.prix)
        )
    if lignes and famille_courante is not None:
        clore_famille(famille_courante, lignes)
    if essai or not resultat.factures:
        return resultat
    _ecrire(lot)
    regie.prochain_numero_facture = ordre
    regie.save(update_fields=["prochain_numero_facture"])
    return resultat


# Factures écrites par lots : la mémoire reste bornée quel que soit le nombre de familles.
TAILLE_LOT = 500


COLONNES_LIGNE = (
    "facture_id",
    "enfant_id",
    "reservation_id",
    "date",
    "libelle",
    "quantite",
    "prix_unitaire",
    "montant",
)


def _ecrire(lot: list[tuple[Facture, list[_Ligne]]]) -> None:
    if not lot:
        return
    Facture.objects.bulk_create([facture for facture, _ in lot])
    un = Decimal("1.00")
    rangees = (
        (facture.pk, enfant, reservation, jour, libelle, un, prix, prix)
        for facture, lignes in lot
        for enfant, reservation, jour, libelle, prix in lignes
    )
    if connection.vendor == "postgresql":
        # COPY : des centaines de milliers de lignes par seconde, contraintes vérifiées.
        table = LigneFacture._meta.db_table
        requete = f"COPY {table} ({', '.join(COLONNES_LIGNE)}) FROM STDIN"
        with connection.cursor() as curseur, curseur.cursor.copy(requete) as copie:  # type: ignore[attr-defined]
            for rangee in rangees:
                copie.write_row(rangee)
    else:
        LigneFacture.objects.bulk_create(
            (LigneFacture(**dict(zip(COLONNES_LIGNE, rangee, strict=True))) for rangee in rangees),
            batch_size=2000,
        )


# --- Avoirs --------------------------------------------------------------------------


@transaction.atomic
def facture_emettre_avoir(
    *, facture: Facture, montant: Any, motif: str, agent: Any = None
) -> Facture:
    """Corrige une facture par un avoir (une facture de montant négatif), jamais en l'effaçant."""
    montant = _montant(montant, nom="Le montant de l'avoir")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez le motif de l'avoir.")
    regie = _verrouiller_regie(facture.regie)
    facture = Facture.objects.select_for_update().get(pk=facture.pk)
    if facture.est_avoir:
        raise ValidationError("On ne corrige pas un avoir par un autre avoir.")
    reste: Decimal = Facture.objects.avec_soldes().get(pk=facture.pk).reste  # type: ignore[attr-defined]
    if montant > reste:
        raise ValidationError(
            f"L'avoir ({_euros(montant)}) dépasse le reste à régler de la facture "
            f"{facture.numero} ({_euros(reste)})."
        )
    ordre = regie.prochain_numero_facture
    aujourdhui = timezone.localdate()
    avoir = Facture.objects.create(
        regie=regie,
        famille_id=facture.famille_id,
        numero_ordre=ordre,
        numero=numero_facture(regie, ordre),
        periode_debut=facture.periode_debut,
        periode_fin=facture.periode_fin,
        date=aujourdhui,
        echeance=aujourdhui,
        total=-montant,
        facture_corrigee=facture,
        motif=motif[:255],
        creee_par=agent if getattr(agent, "is_authenticated", False) else None,
    )
    LigneFacture.objects.create(
        facture=avoir,
        date=aujourdhui,
        libelle=f"Avoir sur la facture {facture.numero} : {motif}"[:160],
        quantite=Decimal("1.00"),
        prix_unitaire=-montant,
        montant=-montant,
    )
    regie.prochain_numero_facture = ordre + 1
    regie.save(update_fields=["prochain_numero_facture"])
    return avoir


def _euros(montant: Decimal) -> str:
    return format_montant(montant)


# --- Règlements et affectations ------------------------------------------------------


def _factures_verrouillees(ids: list[int]) -> dict[int, Facture]:
    # Verrou dans l'ordre des clés : deux règlements simultanés ne s'interbloquent pas.
    list(Facture.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    return {f.pk: f for f in Facture.objects.avec_soldes().filter(pk__in=ids)}


def _affecter(
    *, reglement: Reglement, factures: list[Facture], disponible: Decimal
) -> list[Affectation]:
    soldes = _factures_verrouillees([f.pk for f in factures])
    affectations = []
    for facture in factures:
        if disponible <= 0:
            break
        a_jour = soldes[facture.pk]
        if a_jour.famille_id != reglement.famille_id or a_jour.regie_id != reglement.regie_id:
            raise ValidationError(
                f"La facture {a_jour.numero} n'est pas de cette famille ou de cette régie."
            )
        part = min(a_jour.reste, disponible)  # type: ignore[attr-defined]
        if part <= 0:
            continue
        affectations.append(Affectation(reglement=reglement, facture=a_jour, montant=part))
        disponible -= part
    existantes = {
        a.facture_id: a
        for a in Affectation.objects.filter(
            reglement=reglement, facture__in=[a.facture for a in affectations]
        )
    }
    for affectation in affectations:
        if affectation.facture.pk in existantes:
            existante = existantes[affectation.facture.pk]
            existante.montant += affectation.montant
            existante.save(update_fields=["montant"])
    Affectation.objects.bulk_create(a for a in affectations if a.facture.pk not in existantes)
    return affectations


@transaction.atomic
def reglement_enregistrer(
    *,
    famille: Famille,
    regie: Regie,
    montant: Any,
    mode: str,
    jour: date | None = None,
    reference: str = "",
    encaisse_le: date | None = None,
    factures: list[Facture] | None = None,
    agent: Any = None,
) -> Reglement:
    """Enregistre un règlement et l'impute sur les factures (les plus anciennes d'abord)."""
    montant = _montant(montant)
    if mode not in ModeReglement.values:
        raise ValidationError("Ce mode de règlement n'existe pas.")
    regie = _verrouiller_regie(regie)
    numero = regie.prochain_numero_reglement
    regie.prochain_numero_reglement = numero + 1
    regie.save(update_fields=["prochain_numero_reglement"])
    reglement = Reglement.objects.create(
        regie=regie,
        famille=famille,
        numero=numero,
        date=jour or timezone.localdate(),
        mode=mode,
        montant=montant,
        reference=reference.strip()[:60],
        encaisse_le=encaisse_le,
        cree_par=agent if getattr(agent, "is_authenticated", False) else None,
    )
    if factures is None:
        factures = list(
            Facture.objects.impayees()
            .filter(famille=famille, regie=regie)
            .order_by("date", "numero_ordre")
        )
    _affecter(reglement=reglement, factures=factures, disponible=montant)
    return reglement


def _refuser_annule(reglement: Reglement) -> None:
    if reglement.annule_le is not None:
        raise ValidationError(
            f"Le règlement n°{reglement.numero} est annulé ({reglement.motif_annulation}) : "
            "il ne s'impute sur aucune facture."
        )


@transaction.atomic
def reglement_imputer_reste(*, reglement: Reglement, agent: Any = None) -> list[Affectation]:
    """Impute la part encore libre d'un règlement sur les factures impayées les plus anciennes."""
    reglement = Reglement.objects.select_for_update().get(pk=reglement.pk)
    _refuser_annule(reglement)
    libre = (
        reglement.montant - Reglement.objects.avec_affecte().get(pk=reglement.pk).montant_affecte
    )  # type: ignore[attr-defined]
    if libre <= 0:
        return []
    factures = list(
        Facture.objects.impayees()
        .filter(famille_id=reglement.famille_id, regie_id=reglement.regie_id)
        .order_by("date", "numero_ordre")
    )
    return _affecter(reglement=reglement, factures=factures, disponible=libre)


@transaction.atomic
def reglement_encaisser(
    *, reglement: Reglement, encaisse_le: date | None, agent: Any = None
) -> Reglement:
    """Enregistre (ou efface) la date d'encaissement d'un règlement."""
    reglement = Reglement.objects.select_for_update().get(pk=reglement.pk)
    _refuser_annule(reglement)
    if encaisse_le is not None and encaisse_le < reglement.date:
        raise ValidationError("La date d'encaissement précède la date du règlement.")
    reglement.encaisse_le = encaisse_le
    reglement.save(update_fields=["encaisse_le"])
    return reglement
