"""Le règlement intérieur d'une année scolaire : à accepter avant la première réservation.

La commune publie un document par année scolaire (PDF, version, date) ; la dernière version
publiée de l'année d'une période doit être acceptée par un adulte de la famille avant toute
nouvelle réservation sur cette période. Une nouvelle version le fait accepter à nouveau. La
règle est contrôlée par le service de réservation (reservation_demander), pas seulement par
la page.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from familles.models import Famille
from portail.noyau.annee_scolaire import annee_scolaire

from ..models import AcceptationReglement, Periode, ReglementInterieur


def reglement_en_vigueur(annee: str) -> ReglementInterieur | None:
    """La dernière version publiée du règlement d'une année scolaire (« 2026-2027 »)."""
    return (
        ReglementInterieur.objects.filter(annee_scolaire=annee)
        .order_by("-publie_le", "-id")
        .first()
    )


def reglement_a_accepter(*, famille: Famille, periode: Periode) -> ReglementInterieur | None:
    """Le règlement que la famille doit encore accepter pour réserver sur la période, ou
    None (rien de publié, ou déjà accepté) ; 2 requêtes au plus."""
    reglement = reglement_en_vigueur(annee_scolaire(periode.date_debut).libelle)
    if reglement is None:
        return None
    if AcceptationReglement.objects.filter(reglement=reglement, famille=famille).exists():
        return None
    return reglement


def reglement_message(*, famille: Famille, periode: Periode) -> str:
    reglement = reglement_a_accepter(famille=famille, periode=periode)
    if reglement is None:
        return ""
    return (
        f"Avant de réserver pour {reglement.annee_scolaire}, lisez et acceptez le règlement "
        f"intérieur {reglement.annee_scolaire} (version {reglement.version}) sur la page "
        "des réservations."
    )


@transaction.atomic
def reglement_accepter(
    *, famille: Famille, reglement: ReglementInterieur, compte: Any, adulte: str, accepte: bool
) -> AcceptationReglement:
    """Enregistre l'acceptation (adulte, date et heure, version) ; une seule par famille et
    par version. ``accepte`` : la case « J'ai lu et j'accepte » cochée."""
    if not accepte:
        raise ValidationError(
            f"Cochez « J'ai lu et j'accepte le règlement intérieur {reglement.annee_scolaire} » "
            "pour réserver."
        )
    if not adulte.strip():
        raise ValidationError("Indiquez l'adulte qui accepte le règlement intérieur.")
    existante = AcceptationReglement.objects.filter(reglement=reglement, famille=famille).first()
    if existante is not None:
        return existante
    try:
        with transaction.atomic():
            return AcceptationReglement.objects.create(
                reglement=reglement, famille=famille, compte=compte, adulte=adulte.strip()
            )
    except IntegrityError:
        return AcceptationReglement.objects.get(reglement=reglement, famille=famille)
