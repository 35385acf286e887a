from celery import shared_task

from .conservation import donnees_purger
from .emails import envoyer_message


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_message_task(*, destinataires: list[str], sujet: str, texte: str, html: str) -> int:
    """Envoie un e-mail déjà rendu (e-mails des comptes : mot de passe oublié...)."""
    return envoyer_message(destinataires=destinataires, sujet=sujet, texte=texte, html=html)


@shared_task
def purger_donnees() -> dict[str, int]:
    """Planifiée chaque semaine (Celery beat) : la même purge que ``manage.py purger``.

    Renvoie, pour chaque règle qui a supprimé quelque chose, le nombre de lignes supprimées
    (visible dans le résultat de la tâche et le journal du worker).
    """
    return {r.regle.libelle: r.lignes for r in donnees_purger() if r.lignes or r.fichiers}
