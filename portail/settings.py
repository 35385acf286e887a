"""Réglages du Portail Famille, lus depuis les variables d'environnement.

Sans aucune variable, le portail démarre sur une machine neuve : base SQLite dans var/,
tâches Celery exécutées tout de suite, e-mails écrits dans var/mail/. En production, les
variables donnent PostgreSQL, Redis et le SMTP (voir .env.example).
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import dj_database_url
import jinja2
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAIL_VAR_DIR", BASE_DIR / "var"))


def arreter(message: str) -> NoReturn:
    """Un réglage invalide arrête le démarrage par une ligne claire, sans pile d'appels.

    Ces réglages sont lus au démarrage de manage.py, de gunicorn (wsgi) et de celery : chacun
    s'arrête avec cette ligne sur la sortie d'erreur. Le code 3 est celui qui fait abandonner
    gunicorn (« Worker failed to boot ») au lieu de relancer ses processus sans fin.
    """
    print(f"Portail Famille ne démarre pas : {message}", file=sys.stderr, flush=True)
    raise SystemExit(3)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui", "vrai"}:
        return True
    if lowered in {"0", "false", "no", "off", "non", "faux"}:
        return False
    arreter(f"{name} doit valoir 0 ou 1 (reçu : {value!r}).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        arreter(f"{name} doit être un nombre entier (reçu : {value!r}).")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def lire_reglages_de_developpement(fichier: Path) -> None:
    """Les réglages de développement écrits par bin/demarrer (NOM=valeur, une par ligne).

    Ainsi les commandes manage.py du README marchent telles quelles dans le dossier où le
    portail de démonstration a démarré. Une variable de l'environnement l'emporte toujours ;
    le fichier est ignoré dès que l'environnement fixe DEBUG ou SECRET_KEY (la production les
    fixe : .env.example, docker compose) et il n'est jamais dans l'image Docker (var/ exclu).
    """
    if "DEBUG" in os.environ or "SECRET_KEY" in os.environ or not fichier.is_file():
        return
    for numero, ligne in enumerate(fichier.read_text(encoding="utf-8").splitlines(), 1):
        ligne = ligne.strip()
        if not ligne or ligne.startswith("#"):
            continue
        nom, egal, valeur = ligne.partition("=")
        if not egal or not nom.strip():
            arreter(f"{fichier}, ligne {numero} : « NOM=valeur » attendu (reçu : {ligne!r}).")
        os.environ.setdefault(nom.strip(), valeur.strip())


TESTING = env_bool("PORTAIL_TESTS", "pytest" in sys.modules)
if not TESTING:
    lire_reglages_de_developpement(VAR_DIR / "developpement.env")
DEBUG = env_bool("DEBUG", False)
if DEBUG or TESTING:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-seulement-pas-pour-la-production-0123456789")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
    if not SECRET_KEY:
        arreter(
            "la variable d'environnement SECRET_KEY est obligatoire en production "
            "(au moins 50 caractères aléatoires, voir .env.example)."
        )
    if len(SECRET_KEY) < 50:
        arreter(
            f"SECRET_KEY est trop courte ({len(SECRET_KEY)} caractères) : il en faut au "
            "moins 50, aléatoires (voir .env.example)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "portail.apps_axes.AxesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "portail",
    "familles",
    "demandes",
    "reservations",
    "facturation",
    "pieces",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portail.middleware.PolitiqueDeContenuMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Sans LocaleMiddleware : une seule langue (LANGUAGE_CODE, plus bas), active sans lui ; il
    # coûtait 30 µs par requête pour choisir parmi une (docs/performance.md).
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portail.middleware.CompteMiddleware",  # AuthenticationMiddleware, le compte lu d'emblée
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portail.middleware.PremiereConnexionMiddleware",
    "portail.middleware.PagesPriveesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portail.urls_racine"
WSGI_APPLICATION = "portail.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portail.context_processors.portail",
            ],
            # Les filtres du portail (montants, dates, adresses) dans tous les gabarits.
            "builtins": ["portail.templatetags.portail"],
        },
    },
    {
        # Un seul gabarit Jinja2, templates/reservations/planning_grille.jinja : la grille du
        # planning (≈ 1 300 valeurs), trois fois plus vite rendue qu'avec le moteur de Django
        # (docs/performance.md). Toute valeur est échappée ; une variable inconnue est une erreur.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True, "undefined": jinja2.StrictUndefined},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portail.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # Sans vérification par requête : un aller-retour de moins vers la base (mesuré au
        # banc d'essai) ; après un redémarrage de PostgreSQL, une requête par connexion échoue.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
# Requêtes préparées : les paramètres envoyés à part (liaison côté serveur), et chaque forme
# de requête préparée par PostgreSQL à sa 5e exécution sur une connexion (réglage par défaut
# de psycopg), qui ne l'analyse ni ne la planifie plus ensuite. Mesuré au banc des pages : le
# temps CPU de PostgreSQL par page divisé par 2,5 à 3 (docs/performance.md). Derrière un
# PgBouncer en mode transaction antérieur à la version 1.21 : DB_REQUETES_PREPAREES=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_REQUETES_PREPAREES", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portail.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portail.adapters.Authentification",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portail.noyau.validators.RegleMotDePasse"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portail:accueil"

# allauth : pas d'inscription libre, connexion par numéro de famille ou e-mail.
ACCOUNT_ADAPTER = "portail.adapters.CompteAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# La session se termine à la fermeture du navigateur (ordinateurs partagés) ou après
# SESSION_COOKIE_AGE.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {
    "login": "portail.forms.ConnexionForm",
    "reset_password": "portail.forms.MotDePasseOublieForm",
}
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Les échecs de connexion sont comptés par django-axes ; allauth limite le reste, dont les
# e-mails « mot de passe oublié » (5 par minute et par adresse, 20 par minute et par IP) :
# sans limite, n'importe qui ferait envoyer par la mairie des e-mails sans fin à toute adresse.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

# django-axes : 5 échecs pour un compte, puis refus pendant AXES_COOLOFF_MINUTES. Les échecs
# sont comptés sous le nom du compte visé, qu'on ait tapé son numéro ou son e-mail
# (portail.adapters.identifiant_axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "portail.adapters.identifiant_axes"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portail/verrouille.html"
AXES_VERBOSE = False
# Le blocage vise le compte, pas l'adresse IP (exigence : 5 échecs pour un compte) ; voir README.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "fr"
# Quelques textes de l'admin Django reformulés en français simple (portail/locale/).
LOCALE_PATHS = [BASE_DIR / "portail" / "locale"]
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portail.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = str(Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "prive")))
STORAGES = {
    # Fichiers privés : jamais servis par une URL publique (pas de MEDIA_URL servie).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "portail.statiques.FichiersStatiques"
        )
    },
}
MEDIA_URL = "/prive-non-servi/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mails : fichiers par défaut, SMTP en production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portail Famille <portail@example.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def adresse_du_portail(environ: dict[str, str] | os._Environ[str]) -> str:
    """L'adresse des liens des e-mails : PORTAIL_URL (production), sinon celle où
    ``bin/demarrer`` sert le portail (PORT=127.0.0.1:8001, PORT=8001), sinon :8000."""
    if environ.get("PORTAIL_URL", "").strip():
        return environ["PORTAIL_URL"].strip().rstrip("/")
    port = environ.get("PORT", "").strip() or "127.0.0.1:8000"
    hote, _, numero = port.rpartition(":")
    if hote in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 (une adresse à lier, pas liée ici)
        hote = "localhost"
    return f"http://{hote}:{numero}"


# Adresse publique du portail, pour les liens des e-mails (ex. https://portail.carnin.fr).
PORTAIL_URL = adresse_du_portail(os.environ)

# Celery : sans REDIS_URL, les tâches s'exécutent tout de suite dans le processus.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# --- Exploitation (commandes et tâches planifiées, voir docs/exploitation.md) -------------
# Durée de validité du mot de passe temporaire envoyé par envoyer_identifiants.
IDENTIFIANTS_VALIDITE_JOURS = env_int("IDENTIFIANTS_VALIDITE_JOURS", 15)
# Rappel aux familles qui n'ont rien réservé, N jours avant la fermeture d'une période.
RAPPEL_FERMETURE_JOURS = env_int("RAPPEL_FERMETURE_JOURS", 3)
# Conservation (commande purger) : durées en jours, comptées depuis la dernière date utile.
CONSERVATION_DEMANDES_JOURS = env_int("CONSERVATION_DEMANDES_JOURS", 3 * 365)
CONSERVATION_MESSAGES_JOURS = env_int("CONSERVATION_MESSAGES_JOURS", 3 * 365)
CONSERVATION_PIECES_JOURS = env_int("CONSERVATION_PIECES_JOURS", 3 * 365)
CONSERVATION_HISTORIQUE_JOURS = env_int("CONSERVATION_HISTORIQUE_JOURS", 5 * 365)
CONSERVATION_CONNEXIONS_JOURS = env_int("CONSERVATION_CONNEXIONS_JOURS", 365)
CONSERVATION_RAPPELS_JOURS = env_int("CONSERVATION_RAPPELS_JOURS", 365)
for _nom, _valeur in list(globals().items()):
    if _nom.startswith(("CONSERVATION_", "RAPPEL_", "IDENTIFIANTS_")) and _valeur < 1:
        arreter(f"{_nom} doit être au moins 1 (reçu : {_valeur}).")

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "rappel-fermeture-periodes": {
        "task": "reservations.tasks.rappeler_fermeture_periodes",
        "schedule": crontab(hour=8, minute=0),
    },
    # Listes d'attente des jours entrés dans le délai : closes, familles prévenues.
    "fermer-listes-attente": {
        "task": "reservations.tasks.fermer_listes_attente",
        "schedule": crontab(hour=0, minute=20),
    },
    "expirer-mots-de-passe-temporaires": {
        "task": "familles.tasks.expirer_mots_de_passe_temporaires",
        "schedule": crontab(hour=2, minute=30),
    },
    # Solde les paiements en ligne PayFiP restés « en cours » (navigateur fermé, notification
    # perdue) ; url_site sert aux adresses de retour redemandées à PayFiP.
    "verifier-paiements-en-cours": {
        "task": "facturation.tasks.verifier_paiements_en_cours",
        "schedule": crontab(minute="*/15"),
        "kwargs": {"url_site": PORTAIL_URL},
    },
    # Durées de conservation (docs/exploitation.md) : la purge de « manage.py purger ».
    "purger-donnees": {
        "task": "portail.noyau.tasks.purger_donnees",
        "schedule": crontab(day_of_week="sunday", hour=3, minute=15),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "portail.noyau.cache_redis.CacheRedis", "LOCATION": REDIS_URL}
        if REDIS_URL and not TESTING
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions lues dans le cache (Redis en production) : aucune requête SQL par page, écrites
# aussi en base pour survivre à un redémarrage de Redis ; le moteur cached_db de Django, qui
# lit aussi le jeton des données communes dans le même aller-retour (portail/sessions.py).
SESSION_ENGINE = "portail.sessions"

# Sécurité
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TESTING) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# La supervision (docker compose, répartiteur) interroge /sante/ en HTTP interne.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Nombre de proxys de confiance devant le portail qui ajoutent l'adresse du client à
# X-Forwarded-For (1 derrière le proxy HTTPS de la mairie) : les limites par adresse IP
# (« mot de passe oublié », notifications PayFiP) visent alors le client, pas le proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PROXYS_DE_CONFIANCE", 0)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Aucun script en ligne dans les gabarits (les scripts sont dans static/js/) ; les styles en
# ligne restent permis (attributs style=, admin de Django) ; Bootstrap utilise des images data:.
# Pas de form-action : le formulaire de paiement est redirigé vers PayFiP.
PORTAIL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'"
)

# Paiement en ligne : le simulateur PayFiP local n'est jamais actif en production.
PAYFIP_SIMULATEUR = env_bool("PAYFIP_SIMULATEUR", DEBUG or TESTING)
# Notifications PayFiP acceptées par minute depuis une même adresse IP, puis 429 (une
# notification refusée n'est pas perdue : le retour et la vérification périodique suivent).
PAYFIP_NOTIFICATIONS_PAR_MINUTE = env_int("PAYFIP_NOTIFICATIONS_PAR_MINUTE", 60)
if PAYFIP_NOTIFICATIONS_PAR_MINUTE < 1:
    arreter("PAYFIP_NOTIFICATIONS_PAR_MINUTE doit être au moins 1.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
