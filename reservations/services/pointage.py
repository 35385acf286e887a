"""Le pointage d'un jour : présent, absent excusé, absent facturé."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ETATS_POINTAGE, Reservation, Unite


@transaction.atomic
def pointage_enregistrer(
    *, unite: Unite, jour: date, etats: dict[int, str], agent: Any = None
) -> int:
    """Enregistre le pointage d'un jour pour une unité ; renvoie le nombre de changements.

    Seules les réservations de cette unité et de ce jour sont modifiables ; une absence en
    cours de traitement se décide par sa demande, pas au pointage.
    """
    inconnus = {e for e in etats.values() if e not in ETATS_POINTAGE}
    if inconnus:
        raise ValidationError("État de pointage inconnu : choisissez présent ou absent.")
    reservations = list(
        Reservation.objects.select_for_update(of=("self",))
        .filter(pk__in=list(etats))
        .select_related("enfant")
        .order_by("pk")
    )
    if len(reservations) != len(etats) or any(
        r.unite_id != unite.pk or r.date != jour for r in reservations
    ):
        raise ValidationError(
            f"Le pointage ne concerne que les réservations de {unite} le {jour:%d/%m/%Y}."
        )
    changements = 0
    for reservation in reservations:
        nouvel_etat = etats[reservation.pk]
        if reservation.etat == nouvel_etat:
            continue
        if reservation.etat not in ETATS_POINTAGE:
            raise ValidationError(
                f"{reservation.enfant} : « {reservation.get_etat_display()} » ne se pointe pas "
                "(traitez la demande en cours)."
            )
        reservation.etat = nouvel_etat
        reservation.save(update_fields=["etat", "modifiee_le"])
        changements += 1
    return changements
