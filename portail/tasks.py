from celery import shared_task

from .emails import envoyer_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_email_task(*, destinataires: list[str], gabarit: str, contexte: dict) -> int:
    """Envoie un e-mail sans pièce jointe ; le contexte doit être sérialisable en JSON."""
    return envoyer_email(destinataires=destinataires, gabarit=gabarit, contexte=contexte)
