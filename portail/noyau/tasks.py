"""Les tâches planifiées du socle (Celery beat)."""

from celery import shared_task

from .conservation import donnees_purger


@shared_task
def purger_donnees() -> dict[str, int]:
    """Planifiée chaque semaine (Celery beat) : la même purge que ``manage.py purger``.

    Renvoie, pour chaque règle qui a supprimé quelque chose, le nombre de lignes supprimées
    (visible dans le résultat de la tâche et le journal du worker).
    """
    return {r.regle.libelle: r.lignes for r in donnees_purger() if r.lignes or r.fichiers}
