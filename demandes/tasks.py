from celery import shared_task
from django.conf import settings
from django.urls import reverse

from portail.noyau.emails import envoyer_email

from .models import Demande, StatutDemande


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifier_demande_traitee(*, demande_id: int) -> int:
    """Prévient la famille par e-mail que sa demande a été traitée."""
    demande = (
        Demande.objects.select_related("famille", "famille__compte")
        .filter(pk=demande_id)
        .exclude(statut__in=[StatutDemande.EN_ATTENTE, StatutDemande.ANNULEE])
        .first()
    )
    if demande is None:
        return 0
    famille = demande.famille
    if not famille.accepte_email:
        return 0
    destinataire = famille.email or (famille.compte.email if famille.compte else "")
    lien = settings.PORTAIL_URL + reverse("demandes:detail", args=[demande.pk])
    return envoyer_email(
        destinataires=[destinataire],
        gabarit="demande_traitee",
        contexte={"demande": demande, "lien": lien},
    )
