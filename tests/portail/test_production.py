"""La forme de production : réglages, check --deploy, .env.example, docker compose."""

import gc
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from bench.banc_http import port_libre

RACINE = Path(__file__).resolve().parents[2]


def _env_production(**autres: str) -> dict[str, str]:
    env = {
        cle: valeur
        for cle, valeur in os.environ.items()
        if cle in {"PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "VIRTUAL_ENV"}
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "portail.example.fr",
            "CSRF_TRUSTED_ORIGINS": "https://portail.example.fr",
            "DATABASE_URL": "postgres://portail:secret@127.0.0.1:5432/portail",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        }
    )
    env.update(autres)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_ne_signale_rien_en_production():
    resultat = _manage("check", "--deploy", "--fail-level", "DEBUG", env=_env_production())
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout
    assert "WARNING" not in resultat.stderr


def test_check_deploy_signale_un_debug_oublie():
    resultat = _manage("check", "--deploy", env=_env_production(DEBUG="1"))
    assert "security.W018" in resultat.stdout + resultat.stderr


def _une_ligne(sortie: str) -> str:
    """La sortie d'erreur, sans les lignes du journal de gunicorn ([date] [pid] [INFO] …)."""
    lignes = [ligne for ligne in sortie.splitlines() if ligne and not ligne.startswith("[")]
    assert "Traceback" not in sortie, sortie
    assert len(lignes) == 1, sortie
    return lignes[0]


def _sans_secret_key(**autres: str) -> dict[str, str]:
    env = _env_production(**autres)
    del env["SECRET_KEY"]
    return env


@pytest.mark.parametrize(
    ("secret_key", "attendu"),
    [
        (None, "SECRET_KEY est obligatoire en production"),
        ("", "SECRET_KEY est obligatoire en production"),
        ("trop-courte-0123456789", "SECRET_KEY est trop courte (22 caractères)"),
    ],
    ids=["absente", "vide", "courte"],
)
def test_sans_secret_key_valable_manage_py_s_arrete_en_une_ligne(secret_key, attendu):
    env = _sans_secret_key() if secret_key is None else _env_production(SECRET_KEY=secret_key)
    resultat = _manage("check", env=env)
    assert resultat.returncode != 0
    ligne = _une_ligne(resultat.stderr)
    assert ligne.startswith("Portail Famille ne démarre pas : ")
    assert attendu in ligne


def test_sans_secret_key_gunicorn_s_arrete_en_une_ligne():
    # Plusieurs processus, comme en production : la vérification se fait une fois, dans le
    # processus maître (gunicorn.conf.py), avant qu'aucun ne démarre.
    resultat = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portail.wsgi:application",
            "--workers",
            "3",
            "--bind",
            "127.0.0.1:0",
        ],
        cwd=RACINE,
        env=_sans_secret_key(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in _une_ligne(resultat.stderr)


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_sans_secret_key_celery_s_arrete_en_une_ligne(service, tmp_path):
    resultat = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portail", service, "--loglevel", "INFO"],
        cwd=RACINE,
        env=_sans_secret_key(PORTAIL_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in _une_ligne(resultat.stderr)


def test_valeur_invalide_refusee_clairement():
    resultat = _manage("check", env=_env_production(CONN_MAX_AGE="beaucoup"))
    assert resultat.returncode != 0
    assert "CONN_MAX_AGE doit être un nombre entier" in _une_ligne(resultat.stderr)


def test_env_example_liste_toutes_les_variables_des_reglages():
    source = (RACINE / "portail" / "settings.py").read_text()
    lues = set(
        re.findall(
            r"""(?:env_\w+|os\.environ\.get|env_str)\(\s*["']([A-Z][A-Z0-9_]+)["']""", source
        )
    )
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= lues
    exemple = (RACINE / ".env.example").read_text()
    listees = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", exemple, flags=re.MULTILINE))
    assert lues - listees == set(), f"Variables absentes de .env.example : {lues - listees}"


def _compose() -> dict:
    return yaml.safe_load((RACINE / "docker-compose.yml").read_text())


def test_compose_decrit_la_production():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "portail", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portail", "beat"]
    for nom in ("web", "worker", "beat", "db", "redis"):
        assert "healthcheck" in services[nom], nom
    assert "/sante/" in " ".join(services["web"]["healthcheck"]["test"])
    for nom in ("web", "worker", "beat", "migrate"):
        env = services[nom]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://"), nom
        assert env["REDIS_URL"] == "redis://redis:6379/0", nom
        assert services[nom]["env_file"] == ".env"
    # Fichiers privés sur un volume, partagé par le web et le worker (PDF, pièces).
    assert "prive:/app/var/prive" in services["web"]["volumes"]
    assert "prive:/app/var/prive" in services["worker"]["volumes"]
    assert "statiques:/app/var/static" in services["web"]["volumes"]
    assert "base:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_compose_valide_pour_docker(tmp_path):
    shutil.copy(RACINE / "docker-compose.yml", tmp_path / "docker-compose.yml")
    env = (RACINE / ".env.example").read_text()
    env = env.replace("SECRET_KEY=\n", "SECRET_KEY=x\n").replace(
        "POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=secret\n"
    )
    (tmp_path / ".env").write_text(env)
    if shutil.which("docker-compose"):
        commande = ["docker-compose", "config", "-q"]
    elif (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        commande = ["docker", "compose", "config", "-q"]
    else:
        # Sans outil docker compose : au moins un YAML valide avec les ancres résolues.
        assert yaml.safe_load((tmp_path / "docker-compose.yml").read_text())["services"]
        return
    resultat = subprocess.run(commande, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert resultat.returncode == 0, resultat.stderr
    # Sans mot de passe de base, la configuration est refusée avec un message clair.
    (tmp_path / ".env").write_text(env.replace("POSTGRES_PASSWORD=secret\n", ""))
    resultat = subprocess.run(commande, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert resultat.returncode != 0
    assert "POSTGRES_PASSWORD manquant" in resultat.stderr


def test_dockerfile_installe_pango_et_collecte_les_statiques():
    dockerfile = (RACINE / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "libpangoft2-1.0-0" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "USER portail" in dockerfile


def test_collectstatic_de_production(tmp_path):
    # Stockage avec manifeste (WhiteNoise) : une référence cassée dans un CSS ou un JS
    # empêcherait l'image Docker de se construire.
    resultat = _manage(
        "collectstatic",
        "--noinput",
        env=_env_production(STATIC_ROOT=str(tmp_path / "static")),
    )
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    manifeste = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifeste

    # Le stockage de production, lu sur ce manifeste : l'adresse hachée, la même à chaque
    # appel (gardée par processus) ; un nom absent du manifeste reste une erreur.
    from portail.statiques import FichiersStatiques

    stockage = FichiersStatiques(location=str(tmp_path / "static"), base_url="/static/")
    adresse = stockage.url("css/portail.css")
    assert re.fullmatch(r"/static/css/portail\.[0-9a-f]{12}\.css", adresse), adresse
    assert stockage.url("css/portail.css") == adresse
    with pytest.raises(ValueError):
        stockage.url("css/absent.css")


def test_env_example_chaque_variable_une_fois_et_utilisee():
    exemple = (RACINE / ".env.example").read_text()
    listees = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", exemple, flags=re.MULTILINE)
    doublons = sorted({nom for nom in listees if listees.count(nom) > 1})
    assert doublons == [], f"Variables en double dans .env.example : {doublons}"
    lues = (RACINE / "portail" / "settings.py").read_text() + (
        RACINE / "docker-compose.yml"
    ).read_text()
    inutiles = sorted(nom for nom in listees if nom not in lues)
    assert inutiles == [], f"Variables que rien ne lit : {inutiles}"


def test_les_liens_des_emails_suivent_le_port_de_bin_demarrer():
    from portail.settings import adresse_du_portail

    assert adresse_du_portail({}) == "http://127.0.0.1:8000"
    assert adresse_du_portail({"PORT": "127.0.0.1:8001"}) == "http://127.0.0.1:8001"
    assert adresse_du_portail({"PORT": "8002"}) == "http://localhost:8002"
    assert adresse_du_portail({"PORT": "0.0.0.0:8003"}) == "http://localhost:8003"
    production = {"PORTAIL_URL": "https://portail.carnin.fr/", "PORT": "8001"}
    assert adresse_du_portail(production) == "https://portail.carnin.fr"


def test_un_email_de_demande_traitee_lien_vers_le_port_du_serveur():
    env = {k: v for k, v in os.environ.items() if k != "PORTAIL_URL"}
    env["PORT"] = "127.0.0.1:8001"
    resultat = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'portail.settings'); django.setup(); from django.conf import settings; "
            "print(settings.PORTAIL_URL)",
        ],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.stdout.strip() == "http://127.0.0.1:8001", resultat.stderr


@pytest.mark.parametrize(("valeur", "attendu"), [("", "True 5"), ("0", "None None")])
def test_requetes_preparees_de_postgresql_reglables(valeur, attendu):
    commande = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    resultat = _manage("shell", "-c", commande, env=_env_production(DB_REQUETES_PREPAREES=valeur))
    assert resultat.returncode == 0, resultat.stderr[-2000:]
    assert resultat.stdout.strip().splitlines()[-1] == attendu


def test_gunicorn_regle_le_ramasse_miettes_de_chaque_processus():
    # gunicorn.conf.py, lu d'office depuis le dossier du portail : chaque processus, une fois
    # chargé, met à part les objets du démarrage et collecte moins souvent (mesuré, voir
    # docs/performance.md). L'application servie ici répond l'état de son processus.
    port = port_libre()
    serveur = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.portail.wsgi_ramasse_miettes:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=RACINE,
        env=_env_production(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        fin = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reponse:
                    etat = json.loads(reponse.read())
                break
            except OSError:
                if time.monotonic() > fin or serveur.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    assert etat["gele"] > 1000  # les modules chargés au démarrage
    assert etat["seuils"] == [50_000, *gc.get_threshold()[1:]]
