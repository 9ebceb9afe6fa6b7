"""Kajet settings: one module, configured from the environment only.

The embedded default (no environment at all) runs on SQLite under ``var/`` with tasks run
eagerly in process and e-mail written to ``var/mail``. Production sets ``DATABASE_URL``
(PostgreSQL), ``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``KAJET_HTTPS`` and the e-mail
variables; see README.md.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import postgres_settings, refuse_pgbouncer_without_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAJET_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = "pytest" in sys.modules or env_bool("KAJET_TESTING")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env_bool("KAJET_REQUIRE_ENV"):
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
    # Embedded default: a random key kept next to the SQLite database, readable only by
    # its owner. Production passes SECRET_KEY (and sets KAJET_REQUIRE_ENV=1).
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kajet.core",
    "kajet.accounts",
    "kajet.portal",
    "kajet.school",
    "kajet.notifications",
    "kajet.audit",
    "kajet.timetable",
    "kajet.grades",
    "kajet.messaging",
    "kajet.homework",
    "kajet.noticeboard",
    "kajet.attendance",
    "kajet.remarks",
    "kajet.polls",
    "kajet.meetings",
    "kajet.feeds",
    "kajet.dashboard",
    "kajet.records",
    "kajet.support",
    "kajet.demo",
    "kajet.api",
]

MIDDLEWARE = [
    "kajet.core.middleware.RequestSizeLimitMiddleware",
    "kajet.core.middleware.CleanInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kajet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kajet.accounts.middleware.SessionGuardMiddleware",
    "kajet.core.middleware.SchoolScopeMiddleware",
    "kajet.accounts.ratelimit.RateLimitMiddleware",
    "kajet.accounts.idempotency.FormKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kajet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kajet.core.context_processors.navigation",
            ],
            "builtins": ["kajet.accounts.templatetags.form_key"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'kajet.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_SQLITE)
try:
    _db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL))
except ValueError as error:  # an unknown scheme or a malformed URL (never echo the URL)
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL ({error}).") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE transactions take the write
    # lock up front so concurrent writers wait (busy timeout) instead of failing mid-way.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    _db["TEST"] = {"NAME": os.environ.get("KAJET_SQLITE_TEST_NAME", "")}
    # Keep each worker's connection open between requests: opening one and running the
    # PRAGMAs above costs more than a small page's queries. Gunicorn's sync workers and the
    # development server's threads each hold their own; health checks drop broken ones.
    if not TESTING:
        _db["CONN_MAX_AGE"] = int(os.environ.get("KAJET_SQLITE_CONN_MAX_AGE", "600"))
        _db["CONN_HEALTH_CHECKS"] = True
    refuse_pgbouncer_without_postgres(os.environ.get("KAJET_DB_PGBOUNCER"))
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["CONN_MAX_AGE"] = 0  # the pool below keeps connections
    # config/database.py: one pooled connection per process by default (a sync gunicorn worker
    # and a Celery prefork child each use one at a time); KAJET_DB_PGBOUNCER=1 for PgBouncer in
    # transaction mode (no server-side cursors, no server-side binding). Server-side binding
    # is on otherwise (ADR 4). Tests run without the pool: pooled connections held by
    # live-server threads would keep the test database open at teardown.
    _db.update(
        postgres_settings(
            pgbouncer=os.environ.get("KAJET_DB_PGBOUNCER"),
            server_binding=os.environ.get("KAJET_DB_SERVER_BINDING"),
            pool_min=os.environ.get("KAJET_DB_POOL_MIN"),
            pool_max=os.environ.get("KAJET_DB_POOL_MAX"),
            pooled=not TESTING,
        )
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails a cache call in seconds, not never.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Per process. The largest entries are rendered grades pages (about 30 KB each), so
    # 1,000 entries stay within about 30 MB per web process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The absolute lifetime of a session; the idle timeout is per role and per school
# (School.staff_idle_minutes / family_idle_minutes) and enforced by SessionGuardMiddleware.
SESSION_COOKIE_AGE = int(os.environ.get("KAJET_SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kajet.core.views.csrf_failure"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kajet.accounts.backends.LoginBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "kajet.accounts.hashers.IssuedSecretHasher",  # issued (slip) passwords only
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in locks (kajet.accounts.lockout; README "Sign-in locks"). Per login and address: the
# first FREE failures cost nothing, then each failure makes the next try wait DELAY seconds,
# doubled every time, at most LOCK_MINUTES. Per login from all addresses: ACCOUNT_CEILING
# failures within MEMORY_HOURS lock it for addresses it has never signed in from (within
# KNOWN_ADDRESS_DAYS). Per address: ADDRESS_CEILING failures within an hour throttle it for
# logins it has never signed in.
KAJET_SIGNIN_FREE_FAILURES = int(os.environ.get("KAJET_SIGNIN_FREE_FAILURES", "5"))
KAJET_SIGNIN_DELAY_SECONDS = int(os.environ.get("KAJET_SIGNIN_DELAY_SECONDS", "30"))
KAJET_SIGNIN_LOCK_MINUTES = int(os.environ.get("KAJET_SIGNIN_LOCK_MINUTES", "15"))
KAJET_SIGNIN_MEMORY_HOURS = int(os.environ.get("KAJET_SIGNIN_MEMORY_HOURS", "24"))
KAJET_SIGNIN_ACCOUNT_CEILING = int(os.environ.get("KAJET_SIGNIN_ACCOUNT_CEILING", "100"))
KAJET_SIGNIN_ADDRESS_CEILING = int(os.environ.get("KAJET_SIGNIN_ADDRESS_CEILING", "200"))
KAJET_SIGNIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("KAJET_SIGNIN_KNOWN_ADDRESS_DAYS", "90"))
# API tokens: absolute lifetime and the idle time after which an unused token dies.
KAJET_TOKEN_DAYS = int(os.environ.get("KAJET_TOKEN_DAYS", "90"))
KAJET_TOKEN_IDLE_DAYS = int(os.environ.get("KAJET_TOKEN_IDLE_DAYS", "30"))
# Portal accounts (Konto Kajet): the activation link's life (an unactivated registration is
# deleted after it), the portal session's idle limit, and the shorter one of a session started
# with "public computer".
KAJET_PORTAL_ACTIVATION_DAYS = 14
KAJET_PORTAL_IDLE_MINUTES = int(os.environ.get("KAJET_PORTAL_IDLE_MINUTES", "60"))
KAJET_PUBLIC_IDLE_MINUTES = int(os.environ.get("KAJET_PUBLIC_IDLE_MINUTES", "10"))
# Forgotten password: every answer of the request form takes this long (known and unknown
# addresses alike); links asked for per address and per network within an hour.
KAJET_RESET_ANSWER_SECONDS = float(os.environ.get("KAJET_RESET_ANSWER_SECONDS", "0.4"))
KAJET_RESET_PER_ADDRESS_HOUR = 3
KAJET_RESET_PER_NETWORK_HOUR = 30

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kajet" / "locale"]
# One date style in both languages: 4 grudnia 2026, 4.12.2026, 14:05 (kajet/core/formats).
FORMAT_MODULE_PATH = ["kajet.core.formats"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KAJET_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
MEDIA_ROOT = Path(os.environ.get("KAJET_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Requests above these sizes are refused by Django (413/400) before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Whole request bodies (file uploads included) above this are refused with 413 by
# kajet.core.middleware.RequestSizeLimitMiddleware before anything reads them.
KAJET_MAX_REQUEST_BYTES = int(os.environ.get("KAJET_MAX_REQUEST_MB", "25")) * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kajet <kajet@localhost>")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# The public address of this Kajet, for links in e-mails.
KAJET_BASE_URL = os.environ.get("KAJET_BASE_URL", "http://127.0.0.1:8000")

# --- Notifications: Web Push and absence alerts -----------------------------------------------
# VAPID key (PEM) for Web Push; without the variable the file is read (`make run` writes it).
KAJET_VAPID_PRIVATE_KEY = os.environ.get("KAJET_VAPID_PRIVATE_KEY", "")
KAJET_VAPID_PRIVATE_KEY_FILE = os.environ.get(
    "KAJET_VAPID_PRIVATE_KEY_FILE", str(VAR_DIR / "vapid_private.pem")
)
KAJET_VAPID_SUBJECT = os.environ.get("KAJET_VAPID_SUBJECT", "mailto:kajet@localhost")
# Absences of one student and day are gathered this long before the guardians' alert.
KAJET_ABSENCE_ALERT_MINUTES = int(os.environ.get("KAJET_ABSENCE_ALERT_MINUTES", "10"))

# --- Background work ------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Production asks for Redis explicitly: without it the cache, the sessions and the rate limits
# would silently be per process and tasks would run inside web requests.
if env_bool("KAJET_REQUIRE_REDIS") and not (REDIS_URL and CELERY_BROKER_URL):
    raise ImproperlyConfigured(
        "KAJET_REQUIRE_REDIS=1 needs REDIS_URL and CELERY_BROKER_URL (Redis for the cache, "
        "sessions, rate limits and background work)."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A worker takes one task at a time (a killed worker holds no others), and the notification
# tasks are acknowledged after they ran (kajet/notifications/tasks.py).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A claimed notification delivery not renewed for this long is sent again by the sweep
# (its worker died); longer than one message can take (EMAIL_TIMEOUT per step).
KAJET_DELIVERY_LEASE_SECONDS = int(os.environ.get("KAJET_DELIVERY_LEASE_SECONDS", "300"))
# Scheduled jobs (run by `celery -A config beat` beside the workers in production).
CELERY_BEAT_SCHEDULE = {
    "school-graduates-close": {
        "task": "school.graduates_close",
        "schedule": crontab(hour=2, minute=15),
    },
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": float(os.environ.get("KAJET_SWEEP_SECONDS", "60")),
    },
    "timetable-lucky-numbers": {
        "task": "timetable.lucky_numbers_predraw",
        "schedule": crontab(hour=15, minute=0),
    },
    "portal-purge-unactivated": {
        "task": "portal.purge_unactivated",
        "schedule": crontab(hour=3, minute=30),
    },
    "portal-extras-trial-warnings": {
        "task": "portal.extras_trial_warnings",
        "schedule": crontab(hour=9, minute=0),
    },
    "audit-retention": {
        "task": "audit.retention",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- Retention (kajet.audit.retention; README "Retention") -----------------------------------
# Days each kind of data is kept; the daily job (and `manage.py retention`) deletes older rows.
KAJET_RETENTION_SIGN_IN_DAYS = int(os.environ.get("KAJET_RETENTION_SIGN_IN_DAYS", "365"))
KAJET_RETENTION_SESSION_DAYS = int(os.environ.get("KAJET_RETENTION_SESSION_DAYS", "90"))
KAJET_RETENTION_DELIVERY_DAYS = int(os.environ.get("KAJET_RETENTION_DELIVERY_DAYS", "180"))
KAJET_RETENTION_ACCESS_LOG_DAYS = int(os.environ.get("KAJET_RETENTION_ACCESS_LOG_DAYS", "730"))
# Students who left this long ago are only reported (five years: the class registers' archival
# period); deleting their data is the school's decision.
KAJET_RETENTION_LEFT_STUDENT_DAYS = int(os.environ.get("KAJET_RETENTION_LEFT_STUDENT_DAYS", "1827"))
# Finished printouts made in the background (kajet.records.printing) and their PDF files.
KAJET_RETENTION_PRINT_JOB_DAYS = int(os.environ.get("KAJET_RETENTION_PRINT_JOB_DAYS", "7"))

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kajet.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "kajet.api.schema.KajetAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["kajet.api.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["kajet.api.throttles.KajetRateThrottle"],
}

# --- Rate limits for signed-in users (kajet.accounts.ratelimit; README "Rate limits") ----------
# "N/s", "N/m" or "N/h" per user (writes: POST, PUT, PATCH, DELETE on pages and the API; api:
# every API request) and per school (all its users' writes). Counted in the cache: Redis with
# REDIS_URL, shared by every app instance.
KAJET_RATE_LIMITS = {
    "user_write": os.environ.get("KAJET_RATE_USER_WRITES", "60/m"),
    "user_api": os.environ.get("KAJET_RATE_USER_API", "600/m"),
    "school_write": os.environ.get("KAJET_RATE_SCHOOL_WRITES", "3000/m"),
}
# A cache that does not answer lets requests through (it is not a security boundary; sign-in
# throttling is kept in the database).
RATELIMIT_FAIL_OPEN = True
SPECTACULAR_SETTINGS = {
    "TITLE": "Kajet API",
    "DESCRIPTION": "The open API of Kajet, the school e-register.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The interactive docs are served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several components have a "kind" field with different choices: name the remark's.
    "ENUM_NAME_OVERRIDES": {
        "RemarkKindEnum": "kajet.remarks.models.Kind",
        "PollQuestionKindEnum": "kajet.polls.models.QuestionKind",
    },
}

# --- Security -------------------------------------------------------------------------------
# KAJET_HTTPS=1 when Kajet is served over TLS (always in production, behind a proxy that sets
# X-Forwarded-Proto). `make run` serves plain HTTP on loopback, so it stays off there.
KAJET_HTTPS = env_bool("KAJET_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from Kajet's own static files — no inline
# script, no on* attribute, no eval (HTMX runs with allowEval off). Inline style *attributes*
# stay allowed for the school-chosen colours of grade categories and attendance types; style
# elements and style sheets only from 'self'. README "Security headers" lists the whole set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): a register needs none of these features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}
if KAJET_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KAJET_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KAJET_HSTS_PRELOAD", True)
    # check --deploy's W008/W004 come from these; healthz stays reachable over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAJET_LOG_LEVEL", "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "kajet.accounts.hashers.IssuedSecretHasher",
    ]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
