"""Settings of the portal, from the environment; with nothing set, SQLite under var/."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Only for the embedded development default; never used with DEBUG off.
_development_secret_key = "insecure-development-key-do-not-use-in-production"
# deploy/portal.env.example's placeholder, and ours: anyone who read the repository knows them.
_known_secret_keys = {"change-me-to-a-long-random-string", _development_secret_key}
_new_secret_key = (
    "set DJANGO_SECRET_KEY to a long random string (for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
)


def _weak_secret_key(key):
    """Why `key` is no secret, or "" if it will do. Beyond the known placeholders, the rules of
    Django's own check security.W009, which `check --deploy` only warns about."""
    if key in _known_secret_keys or "change-me" in key.lower() or "changeme" in key.lower():
        return "it is a placeholder"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return "it is a development key made by startproject"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return ""


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not DEBUG and not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=0 the portal needs a secret key: "
        + _new_secret_key
    )
if not DEBUG and _weak_secret_key(SECRET_KEY):
    # Sessions, password-reset links and signed values would be forgeable by whoever guesses it.
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is not a secret: {_weak_secret_key(SECRET_KEY)}. With "
        "DJANGO_DEBUG=0 the portal needs a secret key: " + _new_secret_key
    )
SECRET_KEY = SECRET_KEY or _development_secret_key

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

# HTTPS, on by default with DEBUG off. TLS ends at nginx (deploy/nginx-portal.conf), which
# proxies plain HTTP to gunicorn and says so in X-Forwarded-Proto; only trust that header when
# such a proxy is the only way in (PORTAL_BEHIND_PROXY).
PORTAL_BEHIND_PROXY = env.bool("PORTAL_BEHIND_PROXY", default=not DEBUG)


def _trusted_proxies():
    proxies = env.list("PORTAL_TRUSTED_PROXIES", default=[])
    for proxy in proxies:
        try:
            if proxy != "unix":
                ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"PORTAL_TRUSTED_PROXIES: {proxy!r} is not an address or a network; write "
                "addresses or networks separated by commas (127.0.0.1,10.0.0.0/24), or unix."
            ) from None
    return proxies


# The client's address (portal.security.client_ip, for the login lock-out, the security log and
# the rate limits) is the socket's peer, unless that peer is one of these proxies: then it is the
# address the proxy forwarded (X-Forwarded-For, X-Real-IP). None by default, since from anyone
# else those headers are the client's own word; the documented nginx on the same machine is
# 127.0.0.1 (deploy/portal.env.example). "unix": gunicorn listens on a unix socket.
PORTAL_TRUSTED_PROXIES = _trusted_proxies()
if PORTAL_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A year; while trying HTTPS out, start with e.g. 3600 (browsers remember the value).
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The flag alone enrols nothing: only a submission at hstspreload.org does.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Other origins allowed to POST (scheme included: https://portal.example.kg); the portal's own
# host needs no entry.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "import_export",
    # django-axes and django-rq under names in the admin's language (portal/vendor_apps.py).
    "portal.vendor_apps.LoginAttemptsConfig",
    "csp",
    "portal",
    "academics",
    "sessions_app",
    "accreditation",
    "surveys",
    "reports",
    "portal.vendor_apps.JobQueuesConfig",
    "jobs",
    # The demo university's loaders and commands (seed_demo, demo_admin); no app imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.KyrgyzFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.security.RefusedAccessLogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"


def _database(variable="DATABASE_URL"):
    url = env.str(variable, default="")
    if not url and variable != "DATABASE_URL":
        return None
    if not url:
        VAR_DIR.mkdir(exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
    db = env.db_url_config(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a dean's office saves a sheet; IMMEDIATE takes the write
        # lock at the start of a transaction instead of failing half-way with "database is locked".
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory, for the test database: the browser tests' server threads then
        # open their own connections instead of sharing the test's one across threads. One file
        # per process, so that two test runs on one machine do not share it.
        db["TEST"] = {"NAME": str(VAR_DIR / f"test-portal-{os.getpid()}.sqlite3")}
    else:
        db.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
        # JIT compiling cost more than it saved on the report's queries (bench/report.py:
        # 75-290 ms more per query with it on): they are short, and their estimates are high.
        db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        db.setdefault("CONN_HEALTH_CHECKS", True)
    return db


DATABASES = {"default": _database()}
# A read replica (PostgreSQL streaming replication, for a national deployment): the report and
# dashboard pages read from it, everything that writes and every other page use the primary
# (portal/routers.py). In tests it mirrors the default database.
_replica = _database("DATABASE_REPLICA_URL")
if _replica is not None:
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Points (0–100) to grades, when a sheet is filled with points: the least points for each grade.
# The dashboard shows a session's figures computed at most this many seconds ago, although grades
# were saved since (reports.dashboard.snapshots): while deans enter grades every second, it does
# not compute the session again on every view, and it says as of when. 0: always the latest.
DASHBOARD_FIGURES_MAX_AGE = env.int("PORTAL_DASHBOARD_MAX_AGE", default=15)

GRADE_POINTS_SCALE = [(87, "5"), (74, "4"), (61, "3"), (0, "2")]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Keyboard rows, repeats, sequences, dates, common words (zxcvbn), which the above let through.
    {
        "NAME": "portal.passwords.GuessablePasswordValidator",
        "OPTIONS": {"min_score": 3},
    },
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: PORTAL_LOGIN_FAILURE_LIMIT failures for one username from one address lock that
# pair out for PORTAL_LOGIN_LOCKOUT_MINUTES; a success resets the count. Administrators unlock
# early in the admin (Axes → Access attempts) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"

# Signed out after PORTAL_SESSION_IDLE_MINUTES without a request: every request renews the
# session's expiry.
SESSION_COOKIE_AGE = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

# Kyrgyz first. Django ships "ky" but with "." as the decimal separator; our formats module
# follows CLDR and Kyrgyz practice (",").
LANGUAGE_CODE = "ky"
LANGUAGES = [
    ("ky", "Кыргызча"),
    ("ru", "Русский"),
    ("en", "English"),
]
# Our own strings, then Kyrgyz for the third-party apps that ship none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
if DEBUG and STATIC_ROOT.is_relative_to(VAR_DIR):
    # Before the first collectstatic, WhiteNoise would warn on every request that it is missing.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Uploads (portal/uploads.py): the largest spreadsheet any import accepts, and what an .xlsx may
# unpack to. The results template's 200 000-row workbook (the import's row cap), as openpyxl
# writes it, is 13.1 MiB and unpacks to 263 MiB; the check streams, so neither is held in memory.
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
PORTAL_UPLOAD_MAX_UNPACKED_BYTES = env.int(
    "PORTAL_UPLOAD_MAX_UNPACKED_BYTES", default=400 * 1024 * 1024
)
# A form's fields (not its files): the largest grade sheet or admission post is far below this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# WhiteNoise serves the collected files through gunicorn: with DEBUG off, hashed names cached for
# a year and pre-compressed copies (`manage.py collectstatic` into STATIC_ROOT first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# No inline script or style anywhere: scripts and styles come from our static files, page data
# travels in json_script blocks (type application/json, which is not run).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# Imports are all-or-nothing: one bad row rolls back the whole file.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Empty: the translated name of the demo university (portal/context_processors.py).
UNIVERSITY_NAME = env.str("PORTAL_UNIVERSITY_NAME", default="")

# The execution of the council's resolution (reports/execution/deadlines.py): the month-days the
# council's relative deadlines resolve to, where the data holds no date.
PORTAL_ACADEMIC_YEAR_END = env.str("PORTAL_ACADEMIC_YEAR_END", default="06-30")
PORTAL_STATE_ATTESTATION_END = env.str("PORTAL_STATE_ATTESTATION_END", default="06-25")
PORTAL_TERM_ENDS = env.str("PORTAL_TERM_ENDS", default="01-31")

# E-mail: the daily reminders of the resolution's items (`manage.py execution_reminders`). The
# console by default (the message is printed, nothing leaves the machine); set EMAIL_HOST (and
# the others) for SMTP. PORTAL_URL: the portal's address, for the links in the e-mails.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background jobs (jobs/): with REDIS_URL set, big imports and PDFs are queued on django-rq and
# run by `manage.py rqworker default`; without it (the embedded default) they run in the request.
REDIS_URL = env.str("REDIS_URL", default="")
RQ_QUEUES = {
    "default": {
        # Defined even without Redis, so that rqworker and the admin name a queue; unused then.
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": 3600,
    },
}
# A results workbook with more rows than this is checked and imported as a background job.
RESULTS_IMPORT_INLINE_ROWS = env.int("RESULTS_IMPORT_INLINE_ROWS", default=3000)

# How long the students at risk of a session are kept computed (reports.at_risk.risk): under the
# figures version of every session, so a write to the data makes them computed again at once.
AT_RISK_CACHE_SECONDS = env.int("PORTAL_AT_RISK_CACHE_SECONDS", default=600)

# Caches. "default" stays in each process's memory: the dashboard's content (reports/), which
# every gunicorn worker may compute for itself. "limits" holds the rate limits' counters
# (portal/ratelimit.py), which all workers must share, or each counts alone and the limit is
# multiplied by their number: Redis when REDIS_URL is set, otherwise a table in the database
# (`manage.py createcachetable`; the test runner creates it itself).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal-limits",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache_limits",
        # One row per client and minute; the default 300 rows would be culled by a busy minute.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# The security log (portal/security.py): logins, failed logins, lock-outs, refused access, one
# line each with the time, in its own file (rotated by logrotate: WatchedFileHandler reopens it)
# and, through the root logger, on the console (journald under systemd).
SECURITY_LOG = Path(env.str("PORTAL_SECURITY_LOG", default=str(VAR_DIR / "log" / "security.log")))
SECURITY_LOG.parent.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "timed"},
        "security_file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": str(SECURITY_LOG),
            "formatter": "timed",
            "encoding": "utf-8",
        },
    },
    "loggers": {
        "portal.security": {"handlers": ["security_file"], "level": "INFO", "propagate": True},
        # django-axes says "BEGIN" at every start; our own log has the attempts.
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
