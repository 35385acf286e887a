"""Les tâches planifiées des familles (Celery beat) : elles appellent les services."""

from celery import shared_task

from .services import mots_de_passe_temporaires_expirer


@shared_task
def expirer_mots_de_passe_temporaires() -> int:
    """Tâche de nuit (Celery beat) : les mots de passe temporaires expirés ne servent plus."""
    return mots_de_passe_temporaires_expirer()
