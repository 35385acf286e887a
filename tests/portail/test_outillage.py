"""bin/tester et la CI : un test sauté ou une suite vide font échouer, jamais en silence."""

import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]


def _pytest(dossier: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    """Lance pytest, avec les crochets de tests/conftest.py, sur un fichier de test jetable."""
    (dossier / "test_jetable.py").write_text(code)
    # Le crochet de fin de session de la suite, chargé comme un conftest local (après Django).
    (dossier / "conftest.py").write_text("from tests.conftest import pytest_sessionfinish\n")
    environnement = {**os.environ, **env}
    environnement.pop("PYTEST_ADDOPTS", None)
    environnement.pop("PYTEST_CURRENT_TEST", None)
    if "PORTAIL_AUCUN_SKIP" not in env:
        environnement.pop("PORTAIL_AUCUN_SKIP", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(RACINE / "pyproject.toml"),
            "--rootdir",
            str(RACINE),
            "-p",
            "no:cacheprovider",
            str(dossier / "test_jetable.py"),
        ],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


SAUTE = "import pytest\n\ndef test_saute():\n    pytest.skip('pas de Redis')\n"


def test_un_test_saute_fait_echouer_la_suite_en_ci(tmp_path):
    resultat = _pytest(tmp_path, SAUTE, PORTAIL_AUCUN_SKIP="1")
    assert resultat.returncode == 1, resultat.stdout[-2000:] + resultat.stderr[-2000:]
    assert "ÉCHEC : 1 test(s) sauté(s) en CI." in resultat.stdout


def test_hors_ci_un_test_saute_ne_fait_pas_echouer(tmp_path):
    resultat = _pytest(tmp_path, SAUTE)
    assert resultat.returncode == 0, resultat.stdout[-2000:] + resultat.stderr[-2000:]
    assert "1 skipped" in resultat.stdout


def test_aucun_test_reste_un_echec(tmp_path):
    # pytest rend 5 quand rien n'a tourné ; le crochet de la CI ne doit pas le changer en 0.
    resultat = _pytest(tmp_path, "VALEUR = 1\n", PORTAIL_AUCUN_SKIP="1")
    assert resultat.returncode == 5, resultat.stdout[-2000:] + resultat.stderr[-2000:]


def test_la_ci_lance_bin_tester_sur_postgresql_et_redis_sans_rien_sauter():
    ci = (RACINE / ".ci" / "run").read_text()
    assert ci.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in ci
    assert 'DATABASE_URL="postgres://' in ci
    assert 'REDIS_URL="redis://' in ci
    assert "PORTAIL_AUCUN_SKIP=1" in ci
    assert ci.rstrip().splitlines()[-1] in {"bash bin/tester", "exec bin/tester"}
    for script in (".ci/run", "bin/tester", "bin/demarrer", "bin/installer"):
        assert os.access(RACINE / script, os.X_OK), f"{script} n'est pas exécutable"


def test_bin_tester_rend_le_code_de_pytest():
    # exec : le code de sortie de pytest (1 : échec ou test sauté en CI ; 5 : aucun test) est
    # celui de bin/tester, donc celui de la CI.
    tester = (RACINE / "bin" / "tester").read_text()
    derniere = tester.rstrip().splitlines()[-1]
    assert derniere.startswith("exec .venv/bin/pytest ")
    assert '"$@"' in derniere
    assert "set -euo pipefail" in tester
    for controle in ("ruff check .", "ruff format --check .", "mypy .", "--check --dry-run"):
        assert controle in tester
