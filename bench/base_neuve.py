"""La base PostgreSQL neuve d'un banc (facturation, prélèvement) : créée, migrée, Django
prêt, puis supprimée à la fin sauf avec --garder. Tout reste local (BENCH_PG)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import django
import psycopg
from django.core.management import call_command
from django.db import connections

SERVEUR = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _sans_base(nom: str) -> None:
    with psycopg.connect(SERVEUR, autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}"')


@contextmanager
def base_neuve(nom: str, *, garder: bool) -> Iterator[None]:
    """Les réglages du banc se lisent de l'environnement : à poser avant l'appel."""
    _sans_base(nom)
    with psycopg.connect(SERVEUR, autocommit=True) as connexion:
        connexion.execute(f'CREATE DATABASE "{nom}"')
    os.environ["DATABASE_URL"] = SERVEUR.rsplit("/", 1)[0] + "/" + nom
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-" + "x" * 50)
    os.environ.setdefault("CONN_MAX_AGE", "0")
    django.setup()
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        if not garder:
            connections.close_all()
            _sans_base(nom)
