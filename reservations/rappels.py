"""Rappel par e-mail aux familles qui n'ont rien réservé avant la fermeture d'une période."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from familles.models import Famille

from .models import Inscription, Periode, RappelPeriode, Reservation


def periodes_bientot_fermees(*, maintenant: datetime) -> QuerySet[Periode]:
    limite = maintenant + timedelta(days=settings.RAPPEL_FERMETURE_JOURS)
    aujourdhui = timezone.localdate(maintenant)
    # Une période que les familles ne voient pas encore (ou plus) n'appelle pas de rappel.
    return (
        Periode.objects.filter(
            reservable_jusqu_au__gt=maintenant,
            reservable_jusqu_au__lte=limite,
            activite__actif=True,
        )
        .filter(Q(affichee_du__isnull=True) | Q(affichee_du__lte=aujourdhui))
        .filter(Q(affichee_au__isnull=True) | Q(affichee_au__gte=aujourdhui))
        .select_related("activite")
    )


def familles_a_rappeler(*, periode: Periode) -> QuerySet[Famille]:
    """Familles dont un enfant est inscrit à l'activité sur la période, qui n'y ont encore
    rien réservé, qui ont un compte actif, acceptent les e-mails et n'ont pas déjà eu ce
    rappel."""
    inscrites = Inscription.objects.filter(
        activite_id=periode.activite_id,
        enfant__actif=True,
        date_debut__lte=periode.date_fin,
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=periode.date_debut))
    ayant_reserve = Reservation.objects.filter(
        unite__activite_id=periode.activite_id,
        date__range=(periode.date_debut, periode.date_fin),
    )
    return (
        # Sans compte actif, la famille ne peut pas réserver en ligne : pas de rappel.
        Famille.objects.filter(
            pk__in=inscrites.values("enfant__famille_id"),
            accepte_email=True,
            compte__is_active=True,
        )
        .filter(Q(email__gt="") | Q(compte__email__gt=""))
        .exclude(pk__in=ayant_reserve.values("enfant__famille_id"))
        .exclude(pk__in=RappelPeriode.objects.filter(periode=periode).values("famille_id"))
    )


def rappels_fermeture_envoyer(*, maintenant: datetime | None = None) -> int:
    """Enregistre puis met en file un rappel par famille et par période ; renvoie leur nombre.

    Le rappel enregistré (contrainte unique) garantit un seul envoi par famille et période,
    même si la tâche tourne deux fois.
    """
    from .tasks import envoyer_rappel_periode

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
