"""Les tâches planifiées de la facturation (Celery beat) : elles appellent les services."""

from celery import shared_task

from .services import paiements_en_cours_verifier


@shared_task
def verifier_paiements_en_cours(*, url_site: str) -> int:
    """À planifier (ex. toutes les 15 minutes) : solde les paiements en ligne restés en cours."""
    return paiements_en_cours_verifier(url_site=url_site)
