"""Lectures du prélèvement : dates annoncées (pré-notification) et mandats d'une famille."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from familles.models import Famille
from portail.noyau.lectures import lecture_compilee

from ..models import Facture, Regie, TransactionFacture
from .models import (
    LotPrelevement,
    Mandat,
    OperationPrelevement,
    StatutMandat,
    StatutOperation,
    libelle_motif,
)


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


def derniers_prelevements(factures: list[Facture]) -> dict[int, tuple[str, date, str, str]]:
    """Le dernier prélèvement de chaque facture (statut, date, code de rejet, IBAN) ; une
    requête (aucune sans facture)."""
    if not factures:
        return {}
    derniers: dict[int, tuple[str, date, str, str]] = {}
    for facture_id, *prelevement in _prelevements_des_factures(factures=[f.pk for f in factures]):
        derniers[facture_id] = tuple(prelevement)  # type: ignore[assignment]
    return derniers


@lecture_compilee
def _prelevements_des_factures(factures: list[int]):
    return (
        OperationPrelevement.objects.filter(facture_id__in=factures)
        .order_by("lot__date_prelevement", "id")
        .values_list("facture_id", "statut", "lot__date_prelevement", "code_rejet", "iban")
    )


def prenotifications(famille: Famille, factures: list[Facture]) -> dict[int, Prenotification]:
    """Ce que chaque facture dit du prélèvement ; deux requêtes, quel que soit leur nombre.

    Le reste à régler vient d'``avec_soldes`` ou de ``selectors.factures_famille``.
    """
    if not factures:
        return {}
    return _annonces(factures, derniers_prelevements(factures), _mandats_actifs(famille))


def prochain_prelevement(famille: Famille, impayees: list[Facture]) -> Prenotification | None:
    """Le prochain prélèvement annoncé parmi ces factures à régler (l'accueil). Sans mandat
    actif, rien n'est annoncé : les prélèvements passés ne sont pas lus (une requête)."""
    mandats = _mandats_actifs(famille) if impayees else {}
    if not mandats:
        return None
    annonces = _annonces(impayees, derniers_prelevements(impayees), mandats).values()
    return min((p for p in annonces if p.etat == "prevu"), key=lambda p: p.date, default=None)


def _mandats_actifs(famille: Famille) -> dict[int, Mandat]:
    return {m.regie_id: m for m in _mandats_actifs_du_foyer(famille_id=famille.pk)}


@lecture_compilee
def _mandats_actifs_du_foyer(famille_id: int):
    return Mandat.objects.filter(famille_id=famille_id, statut=StatutMandat.ACTIF).only(
        "regie_id", "iban"
    )


def _annonces(
    factures: list[Facture],
    prelevements: dict[int, tuple[str, date, str, str]],
    mandats: dict[int, Mandat],
) -> dict[int, Prenotification]:
    aujourdhui = timezone.localdate()
    resultat: dict[int, Prenotification] = {}
    for facture in factures:
        if facture.pk in prelevements:
            statut, jour, code, iban = prelevements[facture.pk]
            if statut == StatutOperation.REJETEE:
                motif = libelle_motif(code)
                resultat[facture.pk] = Prenotification(
                    "rejete",
                    jour,
                    f"Le prélèvement du {jour:%d/%m/%Y} a été rejeté ({motif}) : "
                    "cette facture est à régler.",
                    motif,
                )
            else:
                texte = _texte_prevu(jour, iban)
                if jour <= aujourdhui:
                    texte = f"Cette facture a été prélevée le {jour:%d/%m/%Y} sur le compte " + (
                        iban_court(iban)
                    )
                resultat[facture.pk] = Prenotification("preleve", jour, texte)
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


def mandats_famille(famille: Famille) -> QuerySet[Mandat]:
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
