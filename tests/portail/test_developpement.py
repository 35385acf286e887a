"""Après bin/demarrer, les commandes manage.py du README marchent telles qu'écrites.

bin/demarrer écrit, par bin/reglages-developpement, var/developpement.env (DEBUG, e-mails en
fichiers, Celery immédiat ; base SQLite de var/) que portail/settings.py lit hors des tests,
tant que l'environnement ne fixe ni DEBUG ni SECRET_KEY : jamais en production.
"""

import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]


def _env(var: Path, **autres: str) -> dict[str, str]:
    # Ni PORTAIL_TESTS, ni DEBUG, ni SECRET_KEY : le shell d'un développeur après bin/demarrer.
    return {"PATH": "/usr/bin:/bin", "HOME": str(var), "PORTAIL_VAR_DIR": str(var), **autres}


def _lancer(*commande: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(commande), cwd=RACINE, env=env, capture_output=True, text=True, timeout=300
    )


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _lancer(sys.executable, "manage.py", *args, env=env)


def _reglages(env: dict[str, str]) -> str:
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND.rsplit('.', 2)[-2], "
        "s.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1])"
    )
    resultat = _manage("shell", "--no-imports", "-c", code, env=env)
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip()


@pytest.fixture
def var(tmp_path) -> Path:
    resultat = _lancer(str(RACINE / "bin" / "reglages-developpement"), env=_env(tmp_path))
    assert resultat.returncode == 0, resultat.stderr
    return tmp_path


def test_le_fichier_de_developpement_dit_ce_qu_il_regle(var):
    lignes = (var / "developpement.env").read_text().splitlines()
    assert "DEBUG=1" in lignes
    assert "EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend" in lignes
    assert "CELERY_TASK_ALWAYS_EAGER=1" in lignes
    assert not any(ligne.startswith(("SECRET_KEY", "DATABASE_URL")) for ligne in lignes)
    assert (var / "mail").is_dir() and (var / "prive").is_dir()


def test_les_commandes_du_readme_marchent_telles_qu_ecrites(var):
    env = _env(var)
    assert _reglages(env) == "True True filebased sqlite3"
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    # La mise en service du README, sans rien exporter.
    importer = _manage("importer_familles", "docs/exemple_familles.csv", env=env)
    assert importer.returncode == 0, importer.stderr
    envoyer = _manage("envoyer_identifiants", "--nouvelles", env=env)
    assert envoyer.returncode == 0, envoyer.stderr
    # Un compte par adulte : les deux responsables et le conjoint qui a une adresse e-mail.
    assert "3 compte(s) créé(s), 3 e-mail(s)" in envoyer.stdout
    # Celery immédiat, e-mails en fichiers dans var/mail/, base SQLite dans var/.
    assert len(list((var / "mail").iterdir())) == 3
    assert (var / "portail.sqlite3").is_file()


def test_sans_le_fichier_manage_py_demande_une_secret_key(tmp_path):
    # Ce que voyait l'opérateur avant : le témoin que le fichier fait la différence.
    resultat = _manage("check", env=_env(tmp_path))
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in resultat.stderr


def test_une_variable_de_l_environnement_l_emporte_sur_le_fichier(var):
    locmem = _env(var, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    assert _reglages(locmem) == "True True locmem sqlite3"
    assert _reglages(_env(var, CELERY_TASK_ALWAYS_EAGER="0")).startswith("True False")


def test_le_fichier_est_ignore_en_production(var):
    # DEBUG=0 (docker compose, .env.example) : le fichier n'est pas lu, SECRET_KEY exigée.
    resultat = _manage("check", env=_env(var, DEBUG="0"))
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in resultat.stderr
    # Une SECRET_KEY dans l'environnement marque aussi la production : DEBUG reste faux.
    production = _env(var, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="x")
    assert _reglages(production).startswith("False ")


def test_une_ligne_illisible_arrete_en_une_ligne(var):
    (var / "developpement.env").write_text("DEBUG=1\nn'importe quoi\n")
    resultat = _manage("check", env=_env(var))
    assert resultat.returncode != 0
    assert resultat.stderr.strip().splitlines() == [
        f"Portail Famille ne démarre pas : {var / 'developpement.env'}, ligne 2 : "
        '« NOM=valeur » attendu (reçu : "n\'importe quoi").'
    ]


def test_le_fichier_n_est_ni_dans_git_ni_dans_l_image():
    assert "var" in (RACINE / ".dockerignore").read_text().split()
    if shutil.which("git") and (RACINE / ".git").exists():
        ignore = subprocess.run(
            ["git", "check-ignore", "-q", "var/developpement.env"], cwd=RACINE, check=False
        )
        assert ignore.returncode == 0
