"""Rappel par e-mail aux familles qui n'ont rien réservé avant la fermeture d'une période."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from ..emails import envoyer_rappel_periode
from ..models import Periode, RappelPeriode
from ..selectors import familles_a_rappeler, periodes_bientot_fermees


def rappels_fermeture_envoyer(*, maintenant: datetime | None = None) -> int:
    """Enregistre puis met en file un rappel par famille et par période ; renvoie leur nombre.

    Le rappel enregistré (contrainte unique) garantit un seul envoi par famille et période,
    même si la tâche tourne deux fois.
    """
    maintenant = maintenant or timezone.now()
    total = 0
    for periode in periodes_bientot_fermees(maintenant=maintenant):
        with transaction.atomic():
            # Deux exécutions simultanées se suivent au lieu de rappeler deux fois.
            Periode.objects.select_for_update().filter(pk=periode.pk).first()
            rappels = RappelPeriode.objects.bulk_create(
                RappelPeriode(periode=periode, famille=famille)
                for famille in familles_a_rappeler(periode=periode).only("pk")
            )
            for rappel in rappels:
                transaction.on_commit(partial(envoyer_rappel_periode.delay, rappel_id=rappel.pk))
            total += len(rappels)
    return total
