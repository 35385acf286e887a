import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from portail.models import Configuration

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
    client.force_login(famille.compte)
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
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
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
