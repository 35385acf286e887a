"""Le compte d'un connecté, relu à chaque requête avec son adulte et son foyer.

C'est la requête la plus fréquente du portail (une par page) et, par l'ORM, la plus chère à
préparer : 60 colonnes de trois tables, que l'ORM reconstruit et recompile à chaque fois
(≈ 3 300 appels de fonctions, plus que tout le reste de la page Infos). Ici l'ORM la compile
**une fois par processus**, à partir des modèles (``select_related`` comme partout), et
chaque requête ne fait plus que l'exécuter avec l'identifiant et construire les trois objets
comme le ferait l'ORM (``Model.from_db``, relations gardées des deux côtés) : ≈ 270 appels.

Rien à suivre quand un modèle change : les colonnes viennent du compilateur de l'ORM.
``tests/portail/test_chargement_compte.py`` compare le résultat à celui de l'ORM, champ par
champ, pour un parent et pour un agent (sans adulte).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from .noyau.models import User

RELATIONS = "responsable__famille"


@dataclass(frozen=True)
class _Modele:
    """Où lire un modèle dans la ligne, et comment l'accrocher à son parent."""

    modele: type[Model]
    debut: int
    fin: int
    rang_pk: int
    noms: tuple[str, ...]
    relations: tuple[tuple[Callable[[Any, Any], None], Callable[[Any, Any], None], "_Modele"], ...]


@dataclass(frozen=True)
class _Lecture:
    sql: str
    # Rang de la colonne → fonctions de conversion de la base (aucune sur PostgreSQL ; dates
    # et décimaux sur SQLite) et l'expression qu'elles reçoivent.
    convertisseurs: tuple[tuple[int, tuple[list, Any]], ...]
    racine: _Modele


def _modele(info: dict, select: list) -> _Modele:
    rangs = info["select_fields"]
    noms = tuple(select[i][0].target.attname for i in rangs)
    modele = info["model"]
    # L'ordre des champs du modèle, que Model.from_db attend (l'ORM lit toujours ainsi sans
    # only() ni héritage) : une autre version de Django qui changerait cela s'arrête ici.
    if noms != tuple(f.attname for f in modele._meta.concrete_fields) or rangs != list(
        range(rangs[0], rangs[0] + len(rangs))
    ):
        raise RuntimeError(f"Colonnes inattendues pour {modele.__name__} : {noms}")
    return _Modele(
        modele=modele,
        debut=rangs[0],
        fin=rangs[0] + len(rangs),
        rang_pk=noms.index(modele._meta.pk.attname),
        noms=noms,
        relations=tuple(
            (sous["local_setter"], sous["remote_setter"], _modele(sous, select))
            for sous in info.get("related_klass_infos", [])
        ),
    )


@cache
def _lecture(alias: str) -> _Lecture:
    compilateur = (
        User.objects.select_related(RELATIONS).filter(pk=0).query.get_compiler(using=alias)
    )
    sql, parametres = compilateur.as_sql()
    if list(parametres) != [0]:
        raise RuntimeError(f"Paramètres inattendus : {parametres}")
    select = compilateur.select
    return _Lecture(
        sql=sql,
        convertisseurs=tuple(
            compilateur.get_converters([colonne for colonne, _, _ in select]).items()
        ),
        racine=_modele(compilateur.klass_info, select),
    )


def _construire(plan: _Modele, ligne: tuple, alias: str) -> Model | None:
    valeurs = ligne[plan.debut : plan.fin]
    if valeurs[plan.rang_pk] is None:  # pas de ligne jointe (agent sans adulte)
        return None
    objet = plan.modele.from_db(alias, plan.noms, valeurs)
    for accrocher, rattacher, sous in plan.relations:
        lie = _construire(sous, ligne, alias)
        accrocher(objet, lie)
        if lie is not None:
            rattacher(lie, objet)
    return objet


def compte_avec_foyer(pk: int, alias: str = DEFAULT_DB_ALIAS) -> User | None:
    """Le compte ``pk`` avec ``responsable`` et ``responsable.famille`` déjà chargés (une
    requête SQL), comme ``User.objects.select_related(RELATIONS).get(pk=pk)`` ; None s'il
    n'existe pas."""
    if not 0 < pk < 2**63:  # hors des identifiants de la base : aucun compte
        return None
    lecture = _lecture(alias)
    with connections[alias].cursor() as curseur:
        curseur.execute(lecture.sql, [pk])
        ligne = curseur.fetchone()
    if ligne is None:
        return None
    if lecture.convertisseurs:
        # Comme SQLCompiler.apply_converters.
        ligne = list(ligne)
        for rang, (fonctions, expression) in lecture.convertisseurs:
            for fonction in fonctions:
                ligne[rang] = fonction(ligne[rang], expression, connections[alias])
    compte = _construire(lecture.racine, tuple(ligne), alias)
    assert compte is None or isinstance(compte, User)
    return compte
