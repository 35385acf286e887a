"""Lancer des actions en même temps dans des fils d'exécution, chacun avec sa propre
connexion PostgreSQL (tests ``django_db(transaction=True)``)."""

import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connection


def en_parallele(*actions: Callable[[], object]) -> list[str]:
    """Lance les actions ensemble ; rend « fait » ou le message du refus de chacune."""
    depart = threading.Barrier(len(actions))
    resultats: list[str] = []

    def lancer(action: Callable[[], object]) -> None:
        try:
            depart.wait()
            action()
            resultats.append("fait")
        except ValidationError as exc:
            resultats.append(" ".join(exc.messages))
        finally:
            connection.close()

    fils = [threading.Thread(target=lancer, args=(a,)) for a in actions]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    return resultats
