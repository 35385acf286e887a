"""Le compte d'un connecté, relu à chaque requête avec son adulte et son foyer.

C'est la requête la plus fréquente du portail (une par page) et, par l'ORM, la plus chère à
préparer : 60 colonnes de trois tables. Elle est compilée une fois par processus
(``portail.noyau.lectures``, comme les lectures des pages du menu) ; l'ORM construit les
trois objets, reliés dans les deux sens comme avec ``select_related``.
"""

from django.db import DEFAULT_DB_ALIAS

from .noyau.lectures import lecture_compilee
from .noyau.models import User


@lecture_compilee
def _compte(pk: int):
    return User.objects.select_related("responsable__famille").filter(pk=pk)


def compte_avec_foyer(pk: int, alias: str = DEFAULT_DB_ALIAS) -> User | None:
    """Le compte ``pk`` avec ``responsable`` et ``responsable.famille`` déjà chargés (une
    requête SQL), comme ``User.objects.select_related(...).get(pk=pk)`` ; None s'il n'existe
    pas."""
    if not 0 < pk < 2**63:  # hors des identifiants de la base : aucun compte
        return None
    comptes = _compte(pk=pk, using=alias)
    return comptes[0] if comptes else None
