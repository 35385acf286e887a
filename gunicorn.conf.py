"""Réglages de gunicorn, lus d'office quand il est lancé depuis ce dossier (Docker : /app).

Les réglages du portail sont vérifiés une fois, dans le processus maître, avant de lancer les
processus : un SECRET_KEY absent ou une variable invalide arrête gunicorn par une seule ligne
(portail.settings.arreter). Sans cela, chaque processus écrirait la ligne et gunicorn finirait
sur sa propre pile d'appels.
"""


def on_starting(server: object) -> None:
    import portail.settings  # noqa: F401  (un réglage invalide arrête le démarrage ici)
