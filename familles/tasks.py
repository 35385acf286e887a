from celery import shared_task

from .services import identifiants_envoyer, mots_de_passe_temporaires_expirer


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_identifiants_task(*, compte_id: int) -> int:
    """Tire le mot de passe temporaire dans le worker, l'enregistre et l'envoie par e-mail."""
    return identifiants_envoyer(compte_id=compte_id)


@shared_task
def expirer_mots_de_passe_temporaires() -> int:
    """Tâche de nuit (Celery beat) : les mots de passe temporaires expirés ne servent plus."""
    return mots_de_passe_temporaires_expirer()
