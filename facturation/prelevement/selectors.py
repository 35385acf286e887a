"""Lectures du prélèvement : dates annoncées (pré-notification) et mandats d'une famille."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from ..models import Facture, Regie, TransactionFacture
from .models import LotPrelevement, Mandat, OperationPrelevement, StatutMandat, StatutOperation


def prochain_jour_de_prelevement(regie: Regie, depuis: date) -> date:
    """Le premier jour de prélèvement de la régie (ex. le 5) à partir de ``depuis`` inclus."""
    jour = regie.jour_prelevement
    if depuis.day <= jour:
        return depuis.replace(day=jour)
    suivant = (depuis.replace(day=1) + timedelta(days=32)).replace(day=jour)
    return suivant


def date_annoncee(facture: Facture, regie: Regie) -> date:
    """La date de prélèvement annoncée : au moins le délai de pré-notification après la facture."""
    return prochain_jour_de_prelevement(
        regie, facture.date + timedelta(days=regie.delai_prenotification_jours)
    )


def iban_court(iban: str) -> str:
    """« FR76 **** **** 0189 » : ce que la pré-notification montre du compte."""
    compact = iban.replace(" ", "").upper()
    return f"{compact[:4]} **** **** {compact[-4:]}"


@dataclass(frozen=True)
class Prenotification:
    etat: str  # "prevu", "preleve" ou "rejete"
    date: date
    texte: str
    motif: str = ""


def _texte_prevu(jour: date, iban: str) -> str:
    return f"Cette facture sera prélevée le {jour:%d/%m/%Y} sur le compte {iban_court(iban)}"


def prenotifications(famille: Any, factures: list[Facture]) -> dict[int, Prenotification]:
    """Ce que chaque facture dit du prélèvement ; deux requêtes, quel que soit leur nombre."""
    ids = [f.pk for f in factures if not f.est_avoir]
    if not ids:
        return {}
    mandats = {
        m.regie_id: m
        for m in Mandat.objects.filter(famille=famille, statut=StatutMandat.ACTIF).only(
            "regie_id", "iban"
        )
    }
    operations: dict[int, OperationPrelevement] = {}
    for operation in (
        OperationPrelevement.objects.filter(facture_id__in=ids)
        .select_related("lot")
        .only("facture_id", "statut", "code_rejet", "iban", "lot__date_prelevement")
        .order_by("lot__date_prelevement", "id")
    ):
        operations[operation.facture_id] = operation  # la plus récente l'emporte
    resultat: dict[int, Prenotification] = {}
    for facture in factures:
        op = operations.get(facture.pk)
        if op is not None:
            jour = op.lot.date_prelevement
            if op.statut == StatutOperation.REJETEE:
                resultat[facture.pk] = Prenotification(
                    "rejete",
                    jour,
                    f"Le prélèvement du {jour:%d/%m/%Y} a été rejeté ({op.motif}) : "
                    "cette facture est à régler.",
                    op.motif,
                )
            else:
                resultat[facture.pk] = Prenotification("preleve", jour, _texte_prevu(jour, op.iban))
            continue
        mandat = mandats.get(facture.regie_id)
        reste = getattr(facture, "reste", None)
        if mandat is None or facture.est_avoir or (reste is not None and reste <= 0):
            continue
        if not facture.regie.ics:
            continue
        jour = date_annoncee(facture, facture.regie)
        resultat[facture.pk] = Prenotification("prevu", jour, _texte_prevu(jour, mandat.iban))
    return resultat


def mandats_famille(famille: Any) -> QuerySet[Mandat]:
    return (
        Mandat.objects.filter(famille=famille)
        .select_related("regie")
        .order_by("regie__nom", "-cree_le", "-id")
    )


def factures_a_prelever(*, regie: Regie, date_prelevement: date) -> list[tuple[Facture, Mandat]]:
    """Les factures impayées annoncées au plus tard à cette date, avec le mandat signé."""
    limite = date_prelevement - timedelta(days=regie.delai_prenotification_jours)
    mandats = {
        m.famille_id: m
        for m in Mandat.objects.filter(regie=regie, statut=StatutMandat.ACTIF).annotate(
            deja_preleve=Exists(
                OperationPrelevement.objects.filter(
                    mandat=OuterRef("pk"), statut=StatutOperation.PRESENTEE
                )
            )
        )
    }
    factures = (
        Facture.objects.impayees()
        .filter(regie=regie, date__lte=limite, famille_id__in=list(mandats))
        # Une facture déjà présentée (même rejetée) n'est pas reprise automatiquement.
        .exclude(Exists(OperationPrelevement.objects.filter(facture=OuterRef("pk"))))
        .exclude(Exists(TransactionFacture.objects.filter(facture=OuterRef("pk"), en_cours=True)))
        .order_by("famille_id", "date", "numero_ordre")
    )
    return [
        (facture, mandats[facture.famille_id])
        for facture in factures
        if date_annoncee(facture, regie) <= date_prelevement
    ]


def lots_regie(regie: Regie) -> QuerySet[LotPrelevement]:
    return LotPrelevement.objects.filter(regie=regie).order_by("-date_prelevement")
