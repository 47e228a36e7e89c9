"""One settings file, driven by the environment.

Development needs no variables at all (SQLite in WAL mode, console email, DEBUG on). Production sets
SINOVDA_ENV=production, SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL; then `manage.py check --deploy`
is clean. Every variable is listed in docs/configuration.md.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from sinovda.lib.cache_url import default_cache_url, parse_cache_url
from sinovda.lib.env import env_bool, env_float, env_int, env_list, env_str
from sinovda.lib.logs import logging_config
from sinovda.lib.storage import parse_storage_url, without_credentials

BASE_DIR = Path(__file__).resolve().parent.parent

SINOVDA_ENV = env_str("SINOVDA_ENV", "development")
if SINOVDA_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("SINOVDA_ENV must be 'development' or 'production'")
PRODUCTION = SINOVDA_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if DEBUG and PRODUCTION:
    # DEBUG pages show settings, SQL and source to anyone who triggers an error.
    raise ImproperlyConfigured(
        "DEBUG must be off when SINOVDA_ENV=production; unset DEBUG or set DEBUG=false"
    )
SECRET_KEY = env_str(
    "SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-never-use-in-production"
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when SINOVDA_ENV=production")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "corsheaders",
    "ninja",
    "axes",
    "django_tasks_db",
    "sinovda.workers",  # run_worker: heartbeats, recovery, retries, periodic tasks
    "sinovda.accounts",
    "sinovda.audit",
    "sinovda.regions",
    "sinovda.editions",
    "sinovda.cycles",
    "sinovda.evidence",
    "sinovda.notifications",
    "sinovda.innovations",
    "sinovda.scores",
    "sinovda.reports",
    "sinovda.awards",
    "sinovda.catalogue",
    "sinovda.core",
    "sinovda.backup",  # manage.py backup / restore (no models)
    "sinovda.ops",  # health, readiness, request ids, metrics, the cache table (docs/operations.md)
]

MIDDLEWARE = [
    # First: request id, access log line and metrics for every answer, redirects included.
    "sinovda.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sinovda.lib.language.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "sinovda.audit.middleware.AuditContextMiddleware",
    "sinovda.accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, so a locked-out login attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sinovda.urls"
WSGI_APPLICATION = "sinovda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sinovda.regions.context_processors.memberships",
                "sinovda.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database: SQLite (WAL) unless DATABASE_URL says otherwise ---
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a kept connection is tested before a request uses it, so after a database
    # restart the app reconnects by itself instead of failing on a dead socket.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "var" / "sinovda.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run while a writer commits; IMMEDIATE avoids "database is locked"
                # upgrades from read to write inside a transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions are read from the shared cache and written through to the database: one query less on
# every signed-in page with Redis, and nothing lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The same client address as the audit log (sinovda/lib/client_ip.py), so a lockout is per client.
AXES_CLIENT_IP_CALLABLE = "sinovda.lib.client_ip.client_ip"

# How many reverse proxies in front of the app append to X-Forwarded-For (0: the header is ignored).
# AXES_IPWARE_PROXY_COUNT is the old name, still read.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_IPWARE_PROXY_COUNT", 0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- Email: console in development, SMTP in production ---
if PRODUCTION or env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sinovda <noreply@localhost>")

# --- Language: Indonesian first, English available ---
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch is remembered for a year (Django's default cookie ends with the browser
# session); Accept-Language is ignored on purpose (sinovda/lib/language.py).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

# --- Static files: from the repository, served by whitenoise, no CDN ---
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Background work on Django's tasks framework with a database backend: no broker to run;
# `manage.py run_worker` runs the queue on any number of machines (docs/workers.md; make demo starts
# one). Tests that make files switch to the immediate backend (tests/web/test_outputs.py keeps this
# one and runs the worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker writes a heartbeat every few seconds; a task running on a worker silent for longer than
# the stale window goes back to the queue (and fails after SINOVDA_WORKER_MAX_LOST such losses).
SINOVDA_WORKER_HEARTBEAT_SECONDS = env_int("SINOVDA_WORKER_HEARTBEAT_SECONDS", 5)
SINOVDA_WORKER_STALE_SECONDS = env_int("SINOVDA_WORKER_STALE_SECONDS", 60)
SINOVDA_WORKER_MAX_LOST = env_int("SINOVDA_WORKER_MAX_LOST", 3)
if SINOVDA_WORKER_STALE_SECONDS < 3 * SINOVDA_WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "SINOVDA_WORKER_STALE_SECONDS must be at least 3 heartbeats (SINOVDA_WORKER_HEARTBEAT_SECONDS)"
    )
# A worker exits (and systemd starts a fresh one) after this many tasks or above this memory; 0: never.
SINOVDA_WORKER_MAX_TASKS = env_int("SINOVDA_WORKER_MAX_TASKS", 1000)
SINOVDA_WORKER_MAX_RSS_MB = env_int("SINOVDA_WORKER_MAX_RSS_MB", 250)
# Tasks retried after an exception: attempts in all, with exponential backoff and jitter (seconds).
SINOVDA_TASK_RETRIES = {
    "sinovda.reports.jobs.make_output": {"attempts": 3, "base": 30, "cap": 600},
    "sinovda.notifications.tasks.deliver_outbox": {"attempts": 5, "base": 10, "cap": 600},
}
# Called with the task's arguments when a task is given up after its workers died too often, so the
# record it was making does not wait forever.
SINOVDA_TASK_GAVE_UP_HOOKS = {
    "sinovda.reports.jobs.make_output": "sinovda.reports.jobs.worker_gave_up"
}
# Periodic work queued by the workers themselves, once per due time ("daily HH:MM" local time, or
# "every N seconds|minutes|hours"); a task path or a plain function.
SINOVDA_PERIODIC_TASKS = {
    "sinovda.innovations.reminders.daily_reminders": "daily 06:00",
    "sinovda.notifications.tasks.deliver_outbox": "every 5 minutes",
    "sinovda.reports.jobs.prune": "daily 02:30",
    "sinovda.workers.tasks.cleanup": "daily 03:00",
    "sinovda.catalogue.rankings_warm.warm_rankings_if_changed": "every 1 minute",
}
# Finished task rows and task events are deleted after this many days.
SINOVDA_TASK_RESULT_RETENTION_DAYS = env_int("SINOVDA_TASK_RESULT_RETENTION_DAYS", 14)
# Generated files (reports, packs, certificates) are kept this many days, then deleted.
SINOVDA_OUTPUT_RETENTION_DAYS = env_int("SINOVDA_OUTPUT_RETENTION_DAYS", 7)
# The verified view counts answers nobody has reviewed yet as 0 ("zero") or as claimed ("claimed").
SINOVDA_UNREVIEWED_COUNTS_AS = env_str("SINOVDA_UNREVIEWED_COUNTS_AS", "zero")
if SINOVDA_UNREVIEWED_COUNTS_AS not in {"zero", "claimed"}:
    raise ImproperlyConfigured("SINOVDA_UNREVIEWED_COUNTS_AS must be 'zero' or 'claimed'")
# Development serves files straight from the source folders; production from collectstatic.
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Evidence files live outside any served directory; only a permission-checked view reads them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Or S3-compatible object storage for them (and generated files, emblems, import stashes):
# STORAGE_URL=s3://bucket/prefix?endpoint_url=…&region=…; a bad URL stops the start. Credentials come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or key:secret@ in the URL, moved here into settings
# whose names error reports mask (docs/configuration.md, sinovda/lib/storage.py).
_storage_location = parse_storage_url(env_str("STORAGE_URL"))
STORAGE_URL = without_credentials(env_str("STORAGE_URL"))
if _storage_location is not None and _storage_location.access_key:
    AWS_ACCESS_KEY_ID = _storage_location.access_key
    AWS_SECRET_ACCESS_KEY = _storage_location.secret_key
# Behind nginx with files on local disk: the view checks permissions and nginx sends the bytes from
# this `internal` location (deploy/nginx/sinovda.conf, docs/evidence.md). Empty: the app streams them.
EVIDENCE_X_ACCEL_PREFIX = env_str("EVIDENCE_X_ACCEL_PREFIX")
# Largest evidence file accepted, per kind, in bytes (the variables are in MB).
EVIDENCE_MAX_BYTES = {
    kind: env_int(f"EVIDENCE_MAX_MB_{kind.upper()}", default_mb) * 1024 * 1024
    for kind, default_mb in {"pdf": 10, "jpg": 5, "png": 5, "mp4": 50}.items()
}

# --- Security headers ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- Operations (docs/operations.md): logs, cache, probes, metrics, error reporting ---
# One JSON object per line in production (for a log collector), readable text in development; both
# carry the request id. The access log is one line per request.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'")
LOGGING = logging_config(
    LOG_FORMAT, env_str("LOG_LEVEL", "WARNING"), env_bool("LOG_ACCESS", PRODUCTION)
)
# API rate counters and page fragments must be shared by every process and node: the database by
# default in production, Redis when CACHE_URL says so, process memory only in development.
CACHES = {"default": parse_cache_url(env_str("CACHE_URL") or default_cache_url(PRODUCTION))}
# The probes answer on plain HTTP too: the proxy and monitors call the app directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Whether /readyz fails when no worker has a fresh heartbeat (SINOVDA_WORKER_STALE_SECONDS). Off by
# default: the stale worker is reported, but the node stays ready (pages work without a worker).
READYZ_REQUIRE_WORKER = env_bool("READYZ_REQUIRE_WORKER", False)
# /metrics (Prometheus) answers only "Authorization: Bearer <METRICS_TOKEN>"; unset, it is a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Error reporting only when SENTRY_DSN is set (sinovda/ops/sentry.py: no personal data is sent).
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", SINOVDA_ENV)
SENTRY_RELEASE = env_str("SENTRY_RELEASE")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if not 0.0 <= SENTRY_TRACES_SAMPLE_RATE <= 1.0:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1")

# --- Open data (docs/api.md): the read-only API answers GET from any origin, nothing else ---
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
# Anonymous API requests per client address (docs/api.md); counted in the default cache.
SINOVDA_API_RATE = env_str("SINOVDA_API_RATE", "120/m")
