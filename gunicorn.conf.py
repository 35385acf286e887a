"""Réglages de gunicorn, lus d'office quand il est lancé depuis ce dossier (Docker : /app).

Les réglages du portail sont vérifiés une fois, dans le processus maître, avant de lancer les
processus : un SECRET_KEY absent ou une variable invalide arrête gunicorn par une seule ligne
(portail.settings.arreter). Sans cela, chaque processus écrirait la ligne et gunicorn finirait
sur sa propre pile d'appels.

Le ramasse-miettes de chaque processus (docs/performance.md, « Ramasse-miettes des
processus gunicorn ») : une fois le portail chargé, les objets du démarrage (modules, modèles,
réglages), qui vivent autant que le processus, sont mis à part (``gc.freeze``) et ne sont plus
parcourus ; la première génération n'est collectée qu'après 50 000 allocations au lieu de 700.
Les objets d'une requête sont presque tous libérés par leur compteur de références ; le
ramasse-miettes ne sert qu'aux cycles, rares. Mesuré : 4 % du temps d'une page dans le
ramasse-miettes avant, 1 % après, 5 Mo de mémoire en plus par processus.
"""

import gc

SEUIL_PREMIERE_GENERATION = 50_000


def on_starting(server: object) -> None:
    import portail.settings  # noqa: F401  (un réglage invalide arrête le démarrage ici)


def post_worker_init(worker: object) -> None:
    gc.collect()
    gc.freeze()
    _, deuxieme, troisieme = gc.get_threshold()
    gc.set_threshold(SEUIL_PREMIERE_GENERATION, deuxieme, troisieme)
