"""Lectures des factures, règlements et relevés d'une famille, en un nombre fixe de requêtes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from familles.models import Famille
from portail.noyau.annee_scolaire import AnneeScolaire, annee_scolaire
from portail.noyau.lectures import lecture_compilee

from .models import ZERO, Facture, Reglement


def factures_famille(famille: Famille) -> list[Facture]:
    """Les factures et avoirs de la famille, la plus récente d'abord, chacune avec
    ``deja_regle``, ``avoirs`` et ``reste`` comme ``Facture.objects.avec_soldes()`` ; une
    requête.

    Le déjà-réglé est une somme sur la jointure des affectations, les avoirs sont ceux de la
    liste (un avoir est de la famille de la facture qu'il corrige) : les sous-requêtes
    d'``avec_soldes`` coûtaient à construire deux fois le temps de toute la page
    (docs/performance.md). Les services, qui filtrent sur le reste, gardent ``avec_soldes``.
    """
    factures = _factures_du_foyer(famille_id=famille.pk)
    par_pk = {facture.pk: facture for facture in factures}
    avoirs: dict[int, Decimal] = {}
    for facture in factures:
        if facture.facture_corrigee_id is not None:
            # La facture corrigée est dans la liste : pas de jointure de plus pour la lire.
            facture.facture_corrigee = par_pk[facture.facture_corrigee_id]
            avoirs[facture.facture_corrigee_id] = (
                avoirs.get(facture.facture_corrigee_id, ZERO) + facture.total
            )
    for facture in factures:
        facture.deja_regle = facture.deja_regle or ZERO  # type: ignore[attr-defined]
        facture.avoirs = avoirs.get(facture.pk, ZERO)  # type: ignore[attr-defined]
        facture.reste = (  # type: ignore[attr-defined]
            ZERO
            if facture.facture_corrigee_id is not None
            else facture.total + facture.avoirs - facture.deja_regle  # type: ignore[attr-defined]
        )
    return factures


@lecture_compilee
def _factures_du_foyer(famille_id: int):
    return (
        Facture.objects.filter(famille_id=famille_id)
        .annotate(deja_regle=Sum("affectations__montant"))
        .select_related("regie")
        .order_by("-periode_debut", "-numero_ordre")
    )


def impayees_famille(famille: Famille) -> list[Facture]:
    """Les factures de la famille qui restent à régler, la plus ancienne d'abord (comme
    ``Facture.objects.impayees()``)."""
    return sorted(
        (f for f in factures_famille(famille) if f.facture_corrigee_id is None and f.reste > 0),  # type: ignore[attr-defined]
        key=lambda f: (f.date, f.numero_ordre),
    )


def reglements_famille(famille: Famille) -> list[Reglement]:
    """Les règlements de la famille, le plus récent d'abord, avec leur régie."""
    return _reglements_du_foyer(famille_id=famille.pk)


@lecture_compilee
def _reglements_du_foyer(famille_id: int):
    return (
        Reglement.objects.filter(famille_id=famille_id)
        .select_related("regie")
        .order_by("-date", "-numero")
    )


_SQL_SOLDE = (
    "SELECT (SELECT COALESCE(SUM(total), 0) FROM facturation_facture WHERE famille_id = %s),"
    " (SELECT COALESCE(SUM(montant), 0) FROM facturation_reglement"
    " WHERE famille_id = %s AND annule_le IS NULL)"
)
_SQL_SOLDE_AVANT = (
    "SELECT (SELECT COALESCE(SUM(total), 0) FROM facturation_facture"
    " WHERE famille_id = %s AND date < %s),"
    " (SELECT COALESCE(SUM(montant), 0) FROM facturation_reglement"
    " WHERE famille_id = %s AND annule_le IS NULL AND date < %s)"
)


def solde_famille(famille: Famille, *, avant: date | None = None) -> Decimal:
    """Ce que la famille doit : factures (avoirs compris) moins règlements non annulés ; une
    requête.

    Écrite une fois en SQL : c'est la requête la plus lue (accueil, relevé) et sa
    construction par l'ORM (deux sous-requêtes d'agrégat) coûtait plus que son exécution
    (docs/performance.md)."""
    params: list[int | date]
    if avant is None:
        sql, params = _SQL_SOLDE, [famille.pk, famille.pk]
    else:
        sql, params = _SQL_SOLDE_AVANT, [famille.pk, avant, famille.pk, avant]
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        du, paye = curseur.fetchone()
    # SQLite (développement) rend des nombres ; PostgreSQL, des Decimal.
    return (Decimal(str(du)) - Decimal(str(paye))).quantize(Decimal("0.01"))


@dataclass
class Operation:
    numero: str
    date: date
    description: str
    regie: str
    debit: Decimal | None
    credit: Decimal | None
    solde: Decimal = ZERO
    facture_id: int | None = None


@dataclass
class Releve:
    annee: int
    ancien_solde: Decimal
    operations: list[Operation]
    total_debit: Decimal
    total_credit: Decimal
    solde: Decimal

    @property
    def libelle(self) -> str:
        return AnneeScolaire(self.annee).libelle


@lecture_compilee
def _factures_entre(famille_id: int, debut: date, fin: date):
    return Facture.objects.filter(famille_id=famille_id, date__range=(debut, fin)).select_related(
        "regie", "facture_corrigee"
    )


@lecture_compilee
def _reglements_entre(famille_id: int, debut: date, fin: date):
    return Reglement.objects.filter(famille_id=famille_id, date__range=(debut, fin)).select_related(
        "regie"
    )


def releve_de_compte(famille: Famille, annee: int) -> Releve:
    debut, fin = AnneeScolaire(annee).debut, AnneeScolaire(annee).fin
    ancien = solde_famille(famille, avant=debut)
    operations = [
        Operation(
            numero=f.numero,
            date=f.date,
            description=(
                f"Avoir sur {f.facture_corrigee.numero}"
                if f.facture_corrigee_id
                else f"Facture : {f.periode_debut:%d/%m/%Y} - {f.periode_fin:%d/%m/%Y}"
            ),
            regie=f.regie.nom,
            debit=f.total if f.total >= 0 else None,
            credit=-f.total if f.total < 0 else None,
            facture_id=None if f.facture_corrigee_id else f.pk,
        )
        for f in _factures_entre(famille_id=famille.pk, debut=debut, fin=fin)
    ]
    reglements = _reglements_entre(famille_id=famille.pk, debut=debut, fin=fin)
    operations += [
        Operation(
            numero=f"{r.regie.prefixe}-R{r.numero}",
            date=r.date,
            description=f"Règlement : {r.get_mode_display()}",
            regie=r.regie.nom,
            debit=None,
            credit=r.montant,
        )
        for r in reglements
    ]
    # Un prélèvement rejeté : son règlement reste au crédit, le rejet le reprend au débit.
    operations += [
        Operation(
            numero=f"{r.regie.prefixe}-R{r.numero}",
            date=r.annule_le,
            description=r.motif_annulation or "Règlement annulé",
            regie=r.regie.nom,
            debit=r.montant,
            credit=None,
        )
        for r in reglements
        if r.annule_le is not None
    ]
    operations.sort(key=lambda o: (o.date, o.credit is not None, o.numero))
    solde = ancien
    total_debit = total_credit = ZERO
    for operation in operations:
        total_debit += operation.debit or ZERO
        total_credit += operation.credit or ZERO
        solde += (operation.debit or ZERO) - (operation.credit or ZERO)
        operation.solde = solde
    return Releve(
        annee=annee,
        ancien_solde=ancien,
        operations=operations,
        total_debit=total_debit,
        total_credit=total_credit,
        solde=solde,
    )


def annees_du_releve(famille: Famille, aujourdhui: date) -> list[int]:
    premiere = (
        Facture.objects.filter(famille=famille)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    courante = annee_scolaire(aujourdhui).rentree
    debut = annee_scolaire(premiere).rentree if premiere else courante
    return list(range(courante, min(debut, courante) - 1, -1))


def impayes_echus(famille: Famille, *, echus_avant: date) -> Decimal:
    """Le reste à payer des factures dont l'échéance est passée avant ce jour ; une requête."""
    total = (
        Facture.objects.impayees()
        .filter(famille=famille, echeance__lt=echus_avant)
        .aggregate(s=Sum("reste"))["s"]
    )
    return total or ZERO
