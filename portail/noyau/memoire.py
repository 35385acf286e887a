"""Données de la commune gardées en mémoire du processus jusqu'à leur prochain enregistrement.

La configuration, les actualités, les types de pièces exigées sont les mêmes pour toutes les
familles et changent rarement : chaque processus les calcule une fois et les garde. Chaque
copie est déclarée avec les modèles qu'elle lit (``suivre(...)`` au chargement du module,
puis ``modeles=``) : l'enregistrement ou la suppression d'une ligne de l'un d'eux (admin,
service, shell) l'invalide.

Plusieurs processus (gunicorn, Celery) : l'invalidation change un jeton de version dans le
cache partagé (Redis), tout de suite et encore après le commit (un autre processus a pu
relire les anciennes données pendant la transaction). Chaque processus lit ce jeton au plus
une fois par requête, et à chaque appel hors requête (tâches) ; une copie faite sous un autre
jeton est recalculée. Sur une page d'un parent, il arrive avec la session, dans le même
aller-retour Redis (``lire_avec_le_jeton``, ``portail/sessions.py``).

Les écritures en masse (``update()``, ``bulk_create()``) n'envoient pas de signal : après
l'une d'elles sur un de ces modèles, appeler ``oublier_donnees_communes()``.
"""

import threading
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

CLE_VERSION = "portail:version_donnees_communes"

# Copies du processus : clé → (jeton sous lequel elle a été calculée, valeur).
_copies: dict[Hashable, tuple[str, Any]] = {}
_requete = threading.local()
_modeles_suivis: set[type[models.Model]] = set()


def _jeton() -> str:
    jeton = getattr(_requete, "jeton", None)
    if jeton is not None:
        return jeton
    jeton = cache.get(CLE_VERSION)
    if jeton is None:
        cache.add(CLE_VERSION, uuid.uuid4().hex, timeout=None)
        jeton = cache.get(CLE_VERSION) or ""
    if getattr(_requete, "en_cours", False):
        _requete.jeton = jeton
    return jeton


def lire_avec_le_jeton(cle: str) -> Any:
    """La valeur de ``cle`` dans le cache partagé, et le jeton de la requête avec elle, dans
    le même aller-retour (un ``MGET``) : la session de chaque page d'un parent, qui aurait
    sinon coûté un aller-retour de plus. Hors requête, ou le jeton déjà lu : la clé seule."""
    if not getattr(_requete, "en_cours", False) or getattr(_requete, "jeton", None) is not None:
        return cache.get(cle)
    lus = cache.get_many([cle, CLE_VERSION])
    if lus.get(CLE_VERSION) is not None:
        _requete.jeton = lus[CLE_VERSION]
    return lus.get(cle)


def _debut_de_requete(**kwargs: Any) -> None:
    _requete.en_cours = True
    _requete.jeton = None


def _fin_de_requete(**kwargs: Any) -> None:
    _requete.en_cours = False
    _requete.jeton = None


request_started.connect(_debut_de_requete, dispatch_uid="memoire_debut_de_requete")
request_finished.connect(_fin_de_requete, dispatch_uid="memoire_fin_de_requete")


def _changer_jeton() -> None:
    cache.set(CLE_VERSION, uuid.uuid4().hex, timeout=None)


def oublier_donnees_communes() -> None:
    """Toutes les copies (de tous les processus) sont à recalculer."""
    _copies.clear()
    _requete.jeton = None
    _changer_jeton()
    transaction.on_commit(_changer_jeton, robust=True)


def _a_l_enregistrement(**kwargs: Any) -> None:
    oublier_donnees_communes()


def suivre(*modeles: type[models.Model]) -> tuple[type[models.Model], ...]:
    """Déclare, au chargement du module qui garde une copie, les modèles qui l'invalident :
    leurs signaux sont branchés dans chaque processus (gunicorn, Celery, shell), même dans
    celui qui enregistre sans avoir jamais lu la copie."""
    for modele in modeles:
        if modele in _modeles_suivis:
            continue
        _modeles_suivis.add(modele)
        uid = f"memoire_{modele._meta.label_lower}"
        post_save.connect(_a_l_enregistrement, sender=modele, dispatch_uid=uid)
        post_delete.connect(_a_l_enregistrement, sender=modele, dispatch_uid=uid)
        for champ in modele._meta.many_to_many:
            through = getattr(modele, champ.name).through
            m2m_changed.connect(_a_l_enregistrement, sender=through, dispatch_uid=uid)
    return modeles


def en_memoire(
    cle: Hashable, calcul: Callable[[], T], *, modeles: Iterable[type[models.Model]]
) -> T:
    """Le résultat de ``calcul()`` pour ``cle``, calculé une fois par processus tant
    qu'aucune ligne de ``modeles`` n'a été enregistrée ou supprimée.

    Le résultat est partagé entre les requêtes (et les fils) du processus : il ne doit
    pas être modifié par l'appelant."""
    suivre(*modeles)
    jeton = _jeton()
    trouve = _copies.get(cle)
    if trouve is not None and trouve[0] == jeton:
        return trouve[1]
    valeur = calcul()
    if len(_copies) >= 256:  # des clés datées (un jour par clé) : pas de croissance sans fin
        _copies.clear()
    _copies[cle] = (jeton, valeur)
    return valeur


def vider_memoire() -> None:
    """Oublie les copies de ce processus (tests)."""
    _copies.clear()
    _requete.jeton = None
