"""Les tâches planifiées des réservations (Celery beat) : elles appellent les services."""

from celery import shared_task

from .services import attentes_fermer_dans_le_delai, rappels_fermeture_envoyer


@shared_task
def rappeler_fermeture_periodes() -> int:
    """Tâche quotidienne (Celery beat) : rappels avant la fermeture des périodes."""
    return rappels_fermeture_envoyer()


@shared_task
def fermer_listes_attente() -> int:
    """Tâche quotidienne (Celery beat) : les listes d'attente entrées dans le délai sont
    closes et les familles prévenues."""
    return attentes_fermer_dans_le_delai()
