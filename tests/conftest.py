import email
import email.policy
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from portail.noyau.memoire import vider_memoire
from portail.noyau.models import Configuration
from tests.factories import compte_de

from .factories import MOT_DE_PASSE, EnfantFactory, FamilleFactory, ResponsableFactory, UserFactory

CHROMIUM = os.environ.get("PORTAIL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _reglages_de_test(settings, tmp_path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "prive")},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "prive")
    cache.clear()
    vider_memoire()  # données de la commune d'un test précédent (base annulée depuis)


@pytest.fixture(autouse=True)
def _celery_eager() -> Iterator[None]:
    # Les réglages CELERY_* sont lus au démarrage de l'application Celery : on force ici
    # l'exécution immédiate pour les tests qui ne lancent pas de vrai worker.
    from portail.celery import app

    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = ancien


@pytest.fixture
def configuration(db) -> Configuration:
    config, _ = Configuration.objects.update_or_create(
        pk=1,
        defaults={
            "nom_commune": "Carnin (test)",
            "email_contact": "portail@example.fr",
            "site_web": "https://www.example.fr/",
            "cgu_version": "1",
            "cgu_texte": "Conditions de test.",
        },
    )
    cache.clear()
    return config


@pytest.fixture
def famille(db, configuration):
    famille = FamilleFactory(nom="DUPONT")
    ResponsableFactory(famille=famille, prenom="Jean", nom="DUPONT")
    EnfantFactory(famille=famille, prenom="Lise", nom="DUPONT")
    return famille


@pytest.fixture
def autre_famille(db, configuration):
    famille = FamilleFactory(nom="MARTIN")
    ResponsableFactory(famille=famille, prenom="Claire", nom="MARTIN")
    EnfantFactory(famille=famille, prenom="Hugo", nom="MARTIN")
    return famille


@pytest.fixture
def client_parent(client, famille):
    client.force_login(compte_de(famille))
    return client


@pytest.fixture
def agent(db, configuration):
    from django.contrib.auth.models import Group

    user = UserFactory(username="agent-test", is_staff=True)
    groupe, _ = Group.objects.get_or_create(name="agent")
    user.groups.add(groupe)
    return user


@pytest.fixture
def admin_user_portail(db, configuration):
    return UserFactory(username="admin-test", is_staff=True, is_superuser=True)


@pytest.fixture
def client_agent(client, admin_user_portail):
    client.force_login(admin_user_portail)
    return client


@pytest.fixture
def mot_de_passe() -> str:
    return MOT_DE_PASSE


# --- Navigateur (Playwright + Chromium de Debian) -------------------------------------


def _navigateur_disponible() -> bool:
    return shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def navigateur():
    if not _navigateur_disponible():
        pytest.skip(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur, live_server):
    # Sans animations (Bootstrap les coupe) : axe ne voit jamais un menu à moitié déplié.
    contexte = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", reduced_motion="reduce"
    )
    contexte.set_default_timeout(15000)
    page = contexte.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    contexte.close()


def verifier_accessibilite(page) -> None:
    """Échoue sur toute violation WCAG 2 A ou AA trouvée par axe-core dans la page."""
    from axe_playwright_python.sync_playwright import Axe

    resultats = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    violations = resultats.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )


def connecter_navigateur(page, user) -> None:
    """Le navigateur de Playwright connecté comme ``user`` (cookie de session posé)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


def verifier_largeur_mobile(page) -> None:
    """À 375 px de large, la page ne défile pas horizontalement."""
    largeur = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    deborde = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    if largeur:
        page.set_viewport_size(largeur)
    assert not deborde, "La page défile horizontalement à 375 px de large."


# --- Vrai worker Celery sur Redis ----------------------------------------------------


@dataclass
class EmailRecu:
    """Un e-mail écrit par le worker (backend fichier), relu avec le module email."""

    sujet: str
    expediteur: str
    destinataires: list[str]
    texte: str
    html: str
    # (nom du fichier, type MIME, contenu)
    pieces_jointes: list[tuple[str, str, bytes]] = field(default_factory=list)


def _lire_emails(dossier: Path) -> list[EmailRecu]:
    recus: list[EmailRecu] = []
    separateur = b"\n" + b"-" * 79 + b"\n"
    for fichier in sorted(dossier.glob("*.log"), key=lambda f: f.stat().st_mtime_ns):
        for brut in fichier.read_bytes().split(separateur):
            if not brut.strip():
                continue
            message = email.message_from_bytes(brut, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            texte = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            pieces = [
                (
                    partie.get_filename() or "",
                    partie.get_content_type(),
                    bytes(partie.get_payload(decode=True) or b""),  # type: ignore[arg-type]
                )
                for partie in message.iter_attachments()
            ]
            recus.append(
                EmailRecu(
                    sujet=" ".join(str(message["Subject"]).split()),
                    expediteur=str(message["From"]),
                    destinataires=[a.strip() for a in str(message["To"]).split(",")],
                    texte=texte.get_content() if texte is not None else "",
                    html=html.get_content() if html is not None else "",
                    pieces_jointes=pieces,
                )
            )
    return recus


class WorkerReel:
    """Le worker Celery lancé pour le test : attendre et relire les e-mails qu'il envoie."""

    def __init__(self, processus: subprocess.Popen, dossier_emails: Path, journal: Path):
        self.processus = processus
        self.dossier_emails = dossier_emails
        self.fichier_journal = journal

    def journal(self) -> str:
        return self.fichier_journal.read_text(errors="replace")

    def emails(self) -> list[EmailRecu]:
        return _lire_emails(self.dossier_emails)

    def attendre_emails(self, nombre: int = 1, delai: float = 30.0) -> list[EmailRecu]:
        """Attend (au plus `delai` secondes) que le worker ait écrit `nombre` e-mails."""
        fin = time.monotonic() + delai
        while time.monotonic() < fin:
            recus = self.emails()
            if len(recus) >= nombre:
                # Laisse au worker le temps de finir un éventuel message de trop.
                time.sleep(0.2)
                return self.emails()
            if self.processus.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(
            f"{len(self.emails())} e-mail(s) reçu(s) au lieu de {nombre} en {delai} s.\n"
            f"Journal du worker :\n{self.journal()[-4000:]}"
        )

    def vider(self) -> None:
        for fichier in self.dossier_emails.glob("*"):
            fichier.unlink()


def _redis_ou_rien() -> str:
    """L'URL Redis des tests ; sans Redis joignable : test sauté, ou échec en CI."""
    url = os.environ.get("REDIS_URL", "")
    raison = ""
    if not url:
        raison = "REDIS_URL n'est pas défini"
    else:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            raison = f"Redis injoignable ({url}) : {exc}"
    if raison:
        if os.environ.get("PORTAIL_AUCUN_SKIP"):
            pytest.fail(f"Test avec worker Celery impossible : {raison}.")
        pytest.skip(f"Test avec worker Celery sauté : {raison}.")
    return url


def _url_base_de_test() -> str:
    reglages = django_settings.DATABASES["default"]
    if "postgresql" not in reglages["ENGINE"]:
        pytest.fail("Le worker Celery des tests a besoin de PostgreSQL (DATABASE_URL).")
    utilisateur = quote(reglages.get("USER") or "", safe="")
    mot_de_passe = reglages.get("PASSWORD") or ""
    if mot_de_passe:
        utilisateur += ":" + quote(mot_de_passe, safe="")
    hote = reglages.get("HOST") or "127.0.0.1"
    port = reglages.get("PORT") or 5432
    return f"postgres://{utilisateur}@{hote}:{port}/{quote(reglages['NAME'], safe='')}"


@pytest.fixture(scope="session")
def _worker_celery_session(django_db_setup, django_db_blocker, tmp_path_factory):
    """Un worker Celery (sous-processus) pour toute la session, sur la base de test."""
    redis_url = _redis_ou_rien()
    dossier = tmp_path_factory.mktemp("worker-celery")
    dossier_emails = dossier / "emails"
    dossier_emails.mkdir()
    journal = dossier / "worker.log"
    # Une file propre à cette session : deux suites lancées en même temps ne se mélangent pas.
    file = f"tests-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _url_base_de_test(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(dossier_emails),
        "PORTAIL_TESTS": "1",
        "MEDIA_ROOT": str(dossier / "prive"),
    }
    commande = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portail",
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--queues",
        file,
        "--hostname",
        f"{file}@%h",
        "--loglevel",
        "INFO",
    ]
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
            commande,
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    try:
        fin = time.monotonic() + 60
        while "ready." not in journal.read_text(errors="replace"):
            if processus.poll() is not None or time.monotonic() > fin:
                pytest.fail(
                    "Le worker Celery n'a pas démarré :\n"
                    + journal.read_text(errors="replace")[-4000:]
                )
            time.sleep(0.1)
        yield WorkerReel(processus, dossier_emails, journal), redis_url, file
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=15)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait(timeout=5)


@pytest.fixture
def celery_worker_reel(_worker_celery_session, transactional_db) -> Iterator[WorkerReel]:
    """Un vrai worker Celery sur Redis qui voit la base du test.

    Marquer le test `@pytest.mark.worker` et `@pytest.mark.django_db(transaction=True)` :
    le worker lit ce que le test a validé (commit). Pendant le test, l'application Celery du
    test publie vraiment sur Redis (pas d'exécution immédiate) ; `attendre_emails(n)` renvoie
    les e-mails envoyés par le worker (sujet, destinataires, texte, html, pièces jointes).
    """
    from portail.celery import app

    worker, redis_url, file = _worker_celery_session
    worker.vider()
    anciens = {
        cle: app.conf[cle]
        for cle in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")
    }
    app.conf.update(
        task_always_eager=False,
        task_default_queue=file,
        broker_url=redis_url,
        result_backend=redis_url,
    )
    try:
        yield worker
    finally:
        app.conf.update(anciens)
        worker.vider()


def pytest_configure(config) -> None:
    # WhiteNoise avertit à chaque requête quand STATIC_ROOT n'existe pas encore.
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(config, items) -> None:
    # Les tests navigateur ont besoin d'une base que le serveur de test voit : transaction
    # réelle.
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.navigateur)
            item.add_marker(pytest.mark.django_db(transaction=True))


def pytest_sessionfinish(session, exitstatus) -> None:
    # En CI (PORTAIL_AUCUN_SKIP=1), un test sauté est un échec : rien ne passe en silence.
    rapporteur = session.config.pluginmanager.get_plugin("terminalreporter")
    sautes = rapporteur.stats.get("skipped", []) if rapporteur else []
    if os.environ.get("PORTAIL_AUCUN_SKIP") and sautes and exitstatus == 0:
        rapporteur.write_line(f"ÉCHEC : {len(sautes)} test(s) sauté(s) en CI.", red=True)
        session.exitstatus = 1
