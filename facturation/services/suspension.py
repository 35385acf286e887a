"""La suspension des nouvelles réservations pour impayés : une règle de réservation.

La commune fixe « Suspendre les nouvelles réservations au-delà de X € d'impayés échus depuis
N jours » (Configuration, vide par défaut). La facturation déclare ``regle_impayes`` dans son
``Branchement`` (``regles_reservation``) ; reservations la consulte par le registre avant
toute nouvelle réservation, sans connaître la facturation. Un régisseur lève la suspension
d'une famille par ``suspension_lever``.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from familles.models import Famille
from portail.noyau.configuration import configuration_courante
from portail.noyau.formats import format_montant

from ..models import LeveeSuspension
from ..selectors import impayes_echus


def montant_suspendant(famille: Famille, *, maintenant: datetime | None = None) -> Decimal | None:
    """Les impayés échus qui suspendent les réservations de la famille, ou None (règle
    coupée, sous le seuil, ou suspension levée) ; au plus 2 requêtes."""
    config = configuration_courante()
    if config.impayes_seuil is None or famille is None:
        return None
    maintenant = maintenant or timezone.now()
    echus_avant = timezone.localdate(maintenant) - timedelta(days=config.impayes_jours)
    montant = impayes_echus(famille, echus_avant=echus_avant)
    if montant <= config.impayes_seuil:
        return None
    if LeveeSuspension.objects.filter(famille=famille).exists():
        return None
    return montant


def message_suspension(montant: Decimal) -> str:
    return (
        f"Vos nouvelles réservations sont suspendues : {format_montant(montant)} de factures "
        "échues restent à régler. Payez en ligne ou contactez la mairie."
    )


def regle_impayes(*, famille: Famille, maintenant: datetime) -> str:
    """Règle de réservation (registre) : le refus en français, ou "" si la famille peut
    réserver."""
    montant = montant_suspendant(famille, maintenant=maintenant)
    return message_suspension(montant) if montant is not None else ""


@transaction.atomic
def suspension_lever(*, famille: Famille, agent: Any, motif: str = "") -> LeveeSuspension:
    """Lève la suspension pour impayés d'une famille (elle réserve malgré ses impayés)."""
    levee, _ = LeveeSuspension.objects.update_or_create(
        famille=famille, defaults={"levee_par": agent, "motif": motif}
    )
    return levee


@transaction.atomic
def suspension_retablir(*, famille: Famille) -> None:
    LeveeSuspension.objects.filter(famille=famille).delete()
