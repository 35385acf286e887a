"""Lectures compilées une fois par processus.

Une page d'un parent fait 3 à 8 requêtes ; pour chacune, l'ORM reconstruit le queryset
(``filter``, ``select_related``…) puis le compile en SQL, et cela coûte plus que la requête
elle-même (un tiers du temps d'une page, mesuré : docs/performance.md). Pour les lectures
des pages du menu, la forme de la requête ne change jamais ; seules changent les valeurs
(le foyer, l'enfant, le jour).

``@lecture_compilee`` sur une fonction qui rend un queryset : au premier appel dans un
processus (et par base), la fonction est appelée avec des valeurs témoins, l'ORM compile le
queryset et l'on retient où chaque valeur se place dans les paramètres SQL. Les appels
suivants exécutent ce SQL avec les vraies valeurs, et les objets sont construits par les
itérateurs de l'ORM lui-même (modèles, ``select_related``, annotations, ``values_list``,
``prefetch_related``) : le résultat est la liste qu'aurait donnée ``list(queryset)``.

Règles ; ce qui se vérifie l'est au premier appel (une erreur plutôt qu'un résultat faux) :

- des paramètres nommés, chacun un entier, une chaîne, une date, une date et heure, ou une
  liste de ceux-ci (``__in`` : un SQL compilé par nombre d'éléments) ; pas de booléen ;
- la fonction ne lit rien d'autre que ses paramètres (ni configuration, ni données de la
  commune : elles seraient figées dans le SQL) ;
- la fonction ne fait que construire le queryset, toujours le même : aucun ``if`` sur une
  valeur (un ``if rubrique == …`` serait compilé pour la valeur témoin et appliqué à toutes ;
  deux séries de témoins attrapent un SQL qui change, pas ce choix-là) — choisir plutôt
  entre deux lectures ; le vide d'une liste peut compter (un SQL par longueur) ;
- chaque valeur reprise telle quelle dans les paramètres SQL (pas de ``__contains``) ;
- seul ``list()`` du queryset est gardé : pas de ``count()``, ``first()`` ni ``exists()`` ;
  ``prefetch_related("nom")`` oui, mais pas ``Prefetch(queryset=…)`` (ses valeurs seraient
  les témoins).

Une liste paginée (l'historique, la boîte de réception) : ``page_de_lignes``, plus bas.

``.queryset(**valeurs)`` rend le queryset de l'ORM, sans rien de compilé : les tests
comparent les deux (``tests/portail/test_lectures.py``, chaque lecture du portail).
"""

import copy
import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch, QuerySet

# Toutes les lectures déclarées, pour les tests.
LECTURES: list["Lecture"] = []


def _temoin(valeur: Any, numero: int) -> Any:
    """Une valeur témoin du type de ``valeur``, qu'aucune vraie donnée ne prend."""
    if isinstance(valeur, bool) or not isinstance(valeur, int | str | date):
        raise TypeError(
            f"Paramètre de type {type(valeur).__name__} : une lecture compilée ne prend que des "
            "entiers, des chaînes, des dates, des dates et heures, ou des listes de ceux-ci."
        )
    if isinstance(valeur, int):
        # Dans les bornes de tous les champs entiers (SmallInteger, Positive…) : hors bornes,
        # l'ORM remplacerait la condition par « aucune ligne ».
        return 21_000 + numero
    if isinstance(valeur, str):
        return f"\x1ftemoin-{numero}\x1f"
    if isinstance(valeur, datetime):
        return datetime(1001, 1, 1, tzinfo=valeur.tzinfo) + timedelta(days=numero)
    return date(1001, 1, 1) + timedelta(days=numero)


def _adapter(valeur: Any, operations: Any) -> Any:
    """La valeur telle que l'ORM la passe à la base (SQLite : dates en texte) ;
    ``operations`` : ``connections[alias].ops``."""
    if isinstance(valeur, datetime):
        return operations.adapt_datetimefield_value(valeur)
    if isinstance(valeur, date):
        return operations.adapt_datefield_value(valeur)
    return valeur


def _forme(valeurs: dict[str, Any]) -> tuple:
    """Ce qui change le SQL : le nombre d'éléments de chaque liste (``__in``)."""
    return tuple(
        (nom, len(valeur)) for nom, valeur in sorted(valeurs.items()) if isinstance(valeur, list)
    )


# Une place dans les paramètres SQL : (nom du paramètre, rang dans sa liste ou None).
Place = tuple[str, int | None]


@dataclass(frozen=True)
class _Compilee:
    gabarit: QuerySet | None  # None : le SQL serait vide (``pk__in=[]``), aucune ligne
    compilateur: Any
    sql: str
    parametres: tuple
    places: tuple[tuple[int, Place], ...]
    # Les convertisseurs de la base par colonne (aucun sur PostgreSQL pour nos champs) : les
    # chercher coûtait, pour les 60 colonnes du compte, plus que la requête.
    convertisseurs: dict


class Lecture:
    def __init__(self, construire: Callable[..., QuerySet[Any]]) -> None:
        self.construire = construire
        self._compilees: dict[tuple, _Compilee] = {}
        functools.update_wrapper(self, construire)
        LECTURES.append(self)

    def queryset(self, **valeurs: Any) -> QuerySet[Any]:
        return self.construire(**valeurs)

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **valeurs: Any) -> list[Any]:
        cle = (using, _forme(valeurs))
        compilee = self._compilees.get(cle)
        if compilee is None:
            compilee = self._compilees[cle] = self._compiler(valeurs, using)
        if compilee.gabarit is None:
            return []
        connexion = connections[using]  # celle de ce fil (lue une fois : ≈ 1 µs par lecture)
        parametres = list(compilee.parametres)
        for rang, (nom, indice) in compilee.places:
            valeur = valeurs[nom] if indice is None else valeurs[nom][indice]
            parametres[rang] = _adapter(valeur, connexion.ops)
        resultat = tuple(parametres)
        compilateur = copy.copy(compilee.compilateur)
        compilateur.connection = connexion
        compilateur.as_sql = lambda *args, **kwargs: (compilee.sql, resultat)
        compilateur.get_converters = lambda expressions: compilee.convertisseurs
        queryset = compilee.gabarit.using(using)
        queryset.query.get_compiler = lambda *args, **kwargs: compilateur  # type: ignore[method-assign]
        return list(queryset)

    def _temoins(self, valeurs: dict[str, Any], serie: int) -> tuple[dict[str, Any], dict]:
        """Des valeurs témoins pour chaque paramètre, et la place que chacune désigne."""
        temoins: dict[str, Any] = {}
        places: dict = {}
        numero = serie * 5_000
        for nom, valeur in sorted(valeurs.items()):
            elements = valeur if isinstance(valeur, list) else [valeur]
            liste = []
            for indice, element in enumerate(elements):
                numero += 1
                temoin = _temoin(element, numero)
                liste.append(temoin)
                places[temoin] = (nom, indice if isinstance(valeur, list) else None)
            temoins[nom] = liste if isinstance(valeur, list) else liste[0]
        return temoins, places

    def _compiler(self, valeurs: dict[str, Any], alias: str) -> _Compilee:
        nom_fonction = getattr(self.construire, "__qualname__", repr(self.construire))
        essais = []
        for serie in (1, 2):
            temoins, par_temoin = self._temoins(valeurs, serie)
            operations = connections[alias].ops
            adaptes = {_adapter(temoin, operations): place for temoin, place in par_temoin.items()}
            gabarit = self.construire(**temoins)
            if any(
                isinstance(lookup, Prefetch) and lookup.queryset is not None
                for lookup in gabarit._prefetch_related_lookups  # type: ignore[attr-defined]
            ):
                # Le queryset du Prefetch garderait les valeurs témoins.
                raise RuntimeError(f"{nom_fonction} : pas de Prefetch(queryset=…) compilé.")
            compilateur = gabarit.query.get_compiler(using=alias)
            try:
                sql, parametres = compilateur.as_sql()
            except EmptyResultSet as vide:
                if not any(isinstance(v, list) and not v for v in valeurs.values()):
                    raise RuntimeError(
                        f"{nom_fonction} : aucune ligne possible avec les témoins."
                    ) from vide
                return _Compilee(None, None, "", (), (), {})  # une liste vide : ``__in=[]``
            places = tuple(
                (rang, adaptes[parametre])
                for rang, parametre in enumerate(parametres)
                if isinstance(parametre, Hashable) and parametre in adaptes
            )
            essais.append((gabarit, compilateur, sql, tuple(parametres), places, adaptes))
        (gabarit, compilateur, sql, parametres, places, adaptes), (_, _, sql_2, _, places_2, _) = (
            essais
        )
        if sql != sql_2 or places != places_2:
            raise RuntimeError(f"{nom_fonction} : le SQL change avec les valeurs.")
        if {place for _, place in places} != set(adaptes.values()):
            raise RuntimeError(
                f"{nom_fonction} : une valeur est transformée par l'ORM ou absente du SQL."
            )
        colonnes = [colonne for colonne, _, _ in compilateur.select[: compilateur.col_count]]
        convertisseurs = compilateur.get_converters(colonnes)
        return _Compilee(gabarit, compilateur, sql, parametres, places, convertisseurs)


def lecture_compilee(construire: Callable[..., QuerySet[Any]]) -> Lecture:
    return Lecture(construire)


def page_de_lignes(
    cles: Sequence[tuple], numero: Any, par_page: int, lire: Callable[[list[int]], list[Any]]
) -> Page:
    """Une page d'une liste paginée, en deux lectures compilées plutôt qu'en ``Paginator`` sur
    un queryset (compter, puis découper par LIMIT et OFFSET, écrits dans le SQL : ce qu'une
    lecture compilée ne garde pas).

    ``cles`` : toutes les lignes de la liste, dans l'ordre, réduites à leur identifiant
    (premier élément) et à ce qui les filtre, déjà filtrées ; ``lire(ids)`` : les lignes de la
    page (une lecture ``id__in``, un SQL par longueur, au plus ``par_page``). Une ligne
    supprimée entre les deux lectures manque à la page, sans erreur."""
    page = Paginator(cles, par_page).get_page(numero)
    ids = [cle[0] for cle in page.object_list]
    lues = {ligne.pk: ligne for ligne in lire(ids)} if ids else {}
    page.object_list = [lues[pk] for pk in ids if pk in lues]
    return page
