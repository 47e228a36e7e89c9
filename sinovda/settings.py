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

from sinovda.lib.env import env_bool, env_int, env_list, env_str

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
]

MIDDLEWARE = [
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
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
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
# Background work (generated files) on Django's tasks framework with a database backend: no broker to
# run; `manage.py db_worker` runs the queue (make demo starts one). Tests that make files switch to
# the immediate backend (tests/web/test_outputs.py keeps this one and runs the worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Open data (docs/api.md): the read-only API answers GET from any origin, nothing else ---
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
# Anonymous API requests per client address (docs/api.md); counted in the default cache.
SINOVDA_API_RATE = env_str("SINOVDA_API_RATE", "120/m")
