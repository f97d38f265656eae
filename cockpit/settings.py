"""Settings of the territorial strategy cockpit.

Everything that differs between a laptop, CI and production is read from the environment through
the small typed helpers below (the healthchecks way). Development defaults are safe: with
``DJANGO_DEBUG`` off, ``DJANGO_SECRET_KEY`` is required.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from spreadsheets.formats import CSV, XLSX, SpreadsheetFile

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envheader(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (or ``X-Forwarded-Proto=https``) → ``("HTTP_X_FORWARDED_PROTO",
    "https")``: the header a trusted proxy sets on HTTPS requests; None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _sep, expected = value.partition("=")
    return "HTTP_" + header.strip().upper().replace("-", "_"), (expected.strip() or "https")


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(use DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-not-for-production"
# Rotating the key (docs/OPERATIONS.md, Secrets): the previous keys, comma-separated, still verify
# sessions and password-reset links signed with them until they expire.
SECRET_KEY_FALLBACKS = envlist("DJANGO_SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin, open to superusers and territory editors only (strategies/admin_site.py).
    "strategies.admin_site.CockpitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    # Two-factor login (accounts/twofactor.py): TOTP apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The apps of the product, from the bottom layer up (README: "Where things live"). ``jobs``
    # comes before ``django_tasks_db``: its ``db_worker`` warms up the worker, then runs theirs.
    "spreadsheets",
    "jobs",
    # Background tasks: Django's Tasks API (django-tasks), the database backend's table and worker.
    "django_tasks",
    "django_tasks_db",
    "strategies",
    "projects",
    "indicators",
    "steering",
    "workshops",
    "workbooks",
    "rounds",
    "prioritisation",
    "reports",
    "demo",
    "accounts",
    "api",
    "cockpit",
    "guides",
]
# The benchmark harness (``make bench``, ``make load``) is an app of its own, installed only when
# asked for, so that every other process runs without it.
if envbool("COCKPIT_BENCH", False):
    INSTALLED_APPS.append("bench")

# Background work (issue 16) goes through Django's Tasks API (the django-tasks backport of Django
# 6's django.tasks): a module's ``tasks.py`` defines ``@task()`` functions and the code that
# changes data enqueues them once its transaction commits,
# ``strategies.tasks_util.enqueue_on_commit(my_task, *args)`` (that is,
# ``transaction.on_commit(lambda: my_task.enqueue(*args))``), so that a worker never sees rows
# that are rolled back, or not yet committed. TASKS_BACKEND chooses who runs them:
# - ``db`` (default): the tasks are rows of this database (django-tasks-db), run by
#   ``manage.py db_worker`` (``make run`` starts one; docs/OPERATIONS.md: a systemd service);
# - ``rq``: Redis queues at REDIS_URL, run by ``manage.py rqworker --job-class
#   django_tasks_rq.Job`` (django-rq), for larger installations;
# - ``immediate``: inline, when enqueued (the test suite: cockpit/pytest_plugin.py).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip().lower() or "db"
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (redis://host:6379/0).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}

# One cache for every process (gunicorn's workers, the task workers, management commands), never
# a per-process memory: a table of the database (``manage.py createcachetable``, run by
# ``make run`` and ``make serve``; the test databases get it from Django's test setup), or Redis
# when REDIS_URL is set.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "cockpit"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cockpit_cache",
        }
    }

# Uploads kept between an import's preview and its confirmation (spreadsheets/uploads.py), shared
# by every process and server like the cache, in their own table (or under their own prefix in
# Redis) so that nothing else put in the cache crowds them out before they expire.
CACHES["uploads"] = (
    {**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-uploads"}
    if REDIS_URL
    else {**CACHES["default"], "LOCATION": "cockpit_uploads", "OPTIONS": {"MAX_ENTRIES": 1000}}
)

MIDDLEWARE = [
    # First: the request id, and one access record per request (cockpit/logs.py).
    "cockpit.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cockpit.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL character in a URL or a form: 400 (PostgreSQL refuses it in any string).
    "cockpit.request_checks.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then nothing but the code step or enrolment until it is given.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and maximum age of a logged-in session (issue 17).
    "cockpit.session_ages.SessionAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # At most LOGIN_RATE_LIMIT login POSTs a minute across the installation (issue 17).
    "cockpit.login_limits.LoginRateLimitMiddleware",
    # Last, so that it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cockpit.urls"
WSGI_APPLICATION = "cockpit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["steering.templatetags.cockpit_extras"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file in the project folder by default; PostgreSQL in production and CI through
# DATABASE_URL=postgres://user@host:5432/name. A connection kept between requests
# (DJANGO_CONN_MAX_AGE > 0) is checked before a request reuses it, so that one the database
# dropped meanwhile is replaced instead of failing the request (docs/RELIABILITY.md).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. Write-ahead logging lets pages read while an import
    # writes; a transaction takes the write lock when it begins (IMMEDIATE), so that writers
    # queue for up to DJANGO_SQLITE_TIMEOUT seconds instead of failing with "database is locked"
    # when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": envint("DJANGO_SQLITE_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
        }
    )
# Background jobs (jobs/): their rows, progress included, go through a connection of their own,
# in autocommit, so that a page sees the progress of a task whose transaction is still open
# (jobs/router.py). On PostgreSQL the same database; on SQLite a file beside the main one (the
# task holds the main file's write lock while it imports).
_default = DATABASES["default"]
if _default["ENGINE"] == "django.db.backends.sqlite3":
    _main = Path(_default["NAME"])
    DATABASES["jobs"] = {
        **_default,
        "NAME": str(_main.with_name(f"{_main.stem}-jobs{_main.suffix}")),
        "TEST": {},
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": envint("DJANGO_SQLITE_TIMEOUT", 20),
        },
    }
    JOBS_DATABASE_SHARED = False
else:
    DATABASES["jobs"] = {
        **_default,
        "OPTIONS": dict(_default.get("OPTIONS", {})),
        "TEST": dict(_default.get("TEST", {})),
    }
    JOBS_DATABASE_SHARED = True
DATABASE_ROUTERS = ["jobs.router.JobsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is even checked.
    "cockpit.auth_backends.WebLoginAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A logged-in session ends after DJANGO_SESSION_IDLE_MINUTES without a request, and at the latest
# DJANGO_SESSION_MAX_HOURS after the login (cockpit/session_ages.py); the cookie lasts as long.
SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=envint("DJANGO_SESSION_IDLE_MINUTES", 120))
SESSION_MAX_AGE = datetime.timedelta(hours=envint("DJANGO_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
LOGIN_URL = "login"
# Two-factor login (accounts/): an account with a device always gives a code after its password;
# editors and superusers without one must enrol first when this is on (viewers never).
TWO_FACTOR_REQUIRED = envbool("DJANGO_OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Cockpit stratégique")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "cockpit:home"
LOGOUT_REDIRECT_URL = "login"
# Mails (password resets, the update rounds' reminders): Django's mail backends, the console in
# development (DJANGO_DEBUG on and no DJANGO_EMAIL_BACKEND), SMTP from the environment in
# production.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cockpit@localhost")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The address of the site as the mails of update rounds link to it (rounds/tasks.py).
COCKPIT_BASE_URL = os.environ.get("DJANGO_BASE_URL", "http://127.0.0.1:8000")
# Update rounds: reminders this many days before the deadline (and the day after it).
ROUND_REMINDER_DAYS_BEFORE = envint("DJANGO_ROUND_REMINDER_DAYS_BEFORE", 3)
# Who receives the report of a server error (500) by mail: comma-separated addresses.
ADMINS = [("", address) for address in envlist("DJANGO_ADMINS", "")]

# French is the source language of the interface; English is the second one.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Zurich"
USE_TZ = True
# Dates read dd.mm.yyyy in both languages (cockpit/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["cockpit.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Files the application writes (the background jobs' results, jobs/services.py) go through the
# default storage, in MEDIA_ROOT: with two app servers, a folder both see (a shared mount;
# docs/OPERATIONS.md, "Several app servers"). Never served as static files: downloads go
# through a view that checks who asks.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", "").strip() or BASE_DIR / "media")
# A background job's file (and its failure's message) is kept this many hours, then purged.
JOB_RESULT_HOURS = envint("DJANGO_JOB_RESULT_HOURS", 24)
# A job still waiting after this many seconds: its page says that no worker has taken it.
JOB_NO_WORKER_SECONDS = envint("DJANGO_JOB_NO_WORKER_SECONDS", 30)
# A running job whose worker wrote no progress for this many seconds is taken for dead (the
# worker was killed or restarted) and marked failed; so a long step must report progress more
# often than this (jobs/services.py, Progress).
JOB_STALE_SECONDS = envint("DJANGO_JOB_STALE_SECONDS", 600)
# Above this many projects in the strategy, its pack (cockpit or workshop) and its strategy
# workbook are made in the background with a progress bar; at or below, in the request.
PACK_BACKGROUND_PROJECTS = envint("DJANGO_PACK_BACKGROUND_PROJECTS", 2000)
WORKBOOK_BACKGROUND_PROJECTS = envint("DJANGO_WORKBOOK_BACKGROUND_PROJECTS", 2000)
# The PDF briefing (reports/briefing.py): made in the background above this many projects
# (WeasyPrint lays out some 70 table rows a second on a busy 2-core machine: 12 s at 300 projects);
# above BRIEFING_FULL_PROJECTS projects shown, its axes list only the late, blocked and stale ones,
# one line per measure (the synthesis still counts them all).
BRIEFING_BACKGROUND_PROJECTS = envint("DJANGO_BRIEFING_BACKGROUND_PROJECTS", 100)
BRIEFING_FULL_PROJECTS = envint("DJANGO_BRIEFING_FULL_PROJECTS", 1000)
# Above this many rows, an import's preview and its confirmation run in the background.
IMPORT_BACKGROUND_ROWS = envint("DJANGO_IMPORT_BACKGROUND_ROWS", 5000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain ones in development
        # and in tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# django-import-export: imports run in one transaction, rolled back on any error.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# One admin log entry per import (file, strategy, rows created and changed); each row's own record
# is in its history (strategies/import_admin.py).
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Explicit permissions (``import_<model>``, ``export_<model>``): the library's default lets any
# admin user import and export.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Not the library's formula escaping (it turns every cell into text): the export formats
# neutralise formulas themselves and keep numbers and dates typed (spreadsheets/formats.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# The admin's spreadsheet files (strategies/import_admin.py), in import-export's formats
# (spreadsheets/formats.py): an import reads an xlsx or a csv, an export writes either (xlsx
# first, the export form's default); files over these limits are refused with a clear message.
IMPORT_FORMATS = [SpreadsheetFile]
EXPORT_FORMATS = [XLSX, CSV]
SPREADSHEET_IMPORT_MAX_SIZE = envint("DJANGO_IMPORT_MAX_SIZE", 10 * 1024 * 1024)
SPREADSHEET_IMPORT_MAX_UNCOMPRESSED_SIZE = envint(
    "DJANGO_IMPORT_MAX_UNCOMPRESSED_SIZE", 100 * 1024 * 1024
)
SPREADSHEET_IMPORT_MAX_RATIO = envint("DJANGO_IMPORT_MAX_RATIO", 100)
# An import's preview can be confirmed for this many seconds (the admin's imports and the strategy
# workbook; spreadsheets/uploads.py); after that the file is loaded again.
SPREADSHEET_IMPORT_CONFIRM_MAX_AGE = envint("DJANGO_IMPORT_CONFIRM_MAX_AGE", 3600)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "spreadsheets.uploads.SharedUploadStorage"

# Production hardening; each can be relaxed through the environment behind a proxy.
# Behind a reverse proxy that terminates HTTPS, name the header it sets on HTTPS requests
# (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto); never trust it without such a proxy.
SECURE_PROXY_SSL_HEADER = envheader("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx gets the token from <body hx-headers>, forms from a field.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, cookies off) gets a page in the app's look, not Django's.
CSRF_FAILURE_VIEW = "cockpit.views.errors.csrf_failure"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts come from this site
# only; no inline script, no inline style, no eval, no framing. htmx is served from our static
# files and configured not to inject its own <style> (templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Repeated failed logins (django-axes): after DJANGO_AXES_FAILURE_LIMIT failures for one user
# name from one address, that pair is locked out for DJANGO_AXES_COOLOFF_MINUTES; a success
# resets the count. Attempts are kept in the database (admin: "Axes").
AXES_FAILURE_LIMIT = envint("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("DJANGO_AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cockpit.views.errors.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N reverse proxies (DJANGO_TRUSTED_PROXY_COUNT) the client's address is the N-th from the
# right of X-Forwarded-For, and their X-Request-ID is trusted (cockpit/logs.py).
TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Beyond axes' pair: DJANGO_ACCOUNT_FAILURE_LIMIT failures for one user name from any addresses
# within DJANGO_ACCOUNT_FAILURE_WINDOW_MINUTES lock that account for that long
# (``manage.py unlock_account NAME`` lifts it); at most DJANGO_LOGIN_RATE_LIMIT login POSTs a
# minute across the installation (429 with Retry-After). Counted in the shared cache
# (cockpit/login_limits.py); 0 turns a limit off.
ACCOUNT_FAILURE_LIMIT = envint("DJANGO_ACCOUNT_FAILURE_LIMIT", 20)
ACCOUNT_FAILURE_WINDOW = datetime.timedelta(
    minutes=envint("DJANGO_ACCOUNT_FAILURE_WINDOW_MINUTES", 60)
)
LOGIN_RATE_LIMIT = envint("DJANGO_LOGIN_RATE_LIMIT", 30)
# The JSON API (api/): at most DJANGO_API_RATE_LIMIT requests a minute per personal token (429
# with Retry-After beyond), counted in the shared cache (api/access.py); 0 turns it off.
API_RATE_LIMIT = envint("DJANGO_API_RATE_LIMIT", 60)

# Permissions-Policy (cockpit/middleware.py): no page of the cockpit uses a device, a payment or
# an interest cohort; every feature a browser would otherwise grant a page is refused.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# The health endpoint (cockpit/health.py, /sante/ and /healthz): answers over plain HTTP too
# (the load balancer polls the server directly), fails below this much free disk in the temp
# folder (and MEDIA_ROOT), and when a ready task has waited longer than this (a stopped worker).
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^healthz$"]
HEALTH_MIN_FREE_DISK_MB = envint("DJANGO_HEALTH_MIN_FREE_DISK_MB", 500)
HEALTH_TASK_MAX_WAIT_SECONDS = envint("DJANGO_HEALTH_TASK_MAX_WAIT_SECONDS", 900)

# Logs (cockpit/logs.py): one JSON object per line in production, text in development
# (DJANGO_LOG_FORMAT=json|text); each record carries the request id (the trusted proxy's
# X-Request-ID, else a new one, echoed in the response) and the user's id, never a name or an
# address. ``cockpit.logs`` writes one record per request (DJANGO_ACCESS_LOG=0: none). Error
# reports (mails to DJANGO_ADMINS, the debug page) leave out personal data and secrets.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "").strip().lower() or (
    "text" if DEBUG else "json"
)
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
DEFAULT_EXCEPTION_REPORTER = "cockpit.logs.ErrorReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "cockpit.logs.ErrorReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "cockpit.logs.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "cockpit.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "mail": {"format": "%(message)s\n\nrequest id: %(request_id)s, user id: %(user_id)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_context"],
            "formatter": "mail",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's records reach the console through the root; errors are mailed to ADMINS.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "cockpit.logs": {"level": "INFO" if envbool("DJANGO_ACCESS_LOG", True) else "WARNING"},
    },
}
