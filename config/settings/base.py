"""Settings for every environment. Every value comes from an environment variable
(documented in the README) read through the typed helpers in newstart.common.env."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from newstart.common.env import env_bool, env_int, env_list, env_str
from newstart.common.languages import EXTRA_LANG_INFO, INTERFACE_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "parler",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_htmx",
    "newstart.common",
    "newstart.directory",
    "newstart.search",
    "newstart.insights",
    "newstart.navigator",
    "newstart.eligibility",
    "newstart.plans",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "newstart.partnership",
    "newstart.strategy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newstart.partnership.middleware.WorkspaceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; production sets DATABASE_URL=postgres://...
# An empty value counts as unset (`DATABASE_URL= make test-sqlite`).
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0))
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this project understands: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the timeout avoids spurious "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        # A 32 MiB page cache per connection (SQLite's default is 2 MiB): the search index is read
        # at random and would otherwise go back to the operating system for most pages.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server (psycopg 3), so that the statements run most often are prepared
    # once per connection instead of planned on every request (the search's page of results: 0.6 ms
    # of planning on each). Off: DATABASE_SERVER_SIDE_BINDING=0.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "DATABASE_SERVER_SIDE_BINDING", True
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses logins from a locked-out username + address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Languages -------------------------------------------------------------
LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGE_CODE = "en"
LANGUAGES = [(lang.code, lang.own_name) for lang in INTERFACE_LANGUAGES]
LANGUAGES_BIDI = [lang.code for lang in INTERFACE_LANGUAGES if lang.bidi]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "America/Vancouver")

# django-parler: translated content. Records fall back to their own source
# language first (see TranslatableSourceMixin), then to English.
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_LANGUAGES = {
    None: tuple({"code": lang.code} for lang in INTERFACE_LANGUAGES),
    "default": {"fallbacks": ["en"], "hide_untranslated": False},
}
PARLER_ENABLE_CACHING = env_bool("PARLER_ENABLE_CACHING", True)

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# Leaflet comes from the django-leaflet package's static files. The package is not an
# installed app: its admin module needs GDAL (GeoDjango), which newstart does not use.
STATICFILES_DIRS.append(Path(importlib.util.find_spec("leaflet").origin).parent / "static")  # type: ignore[arg-type,union-attr]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Background work ---------------------------------------------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Email -----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newstart@localhost")

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- The directory -----------------------------------------------------------
# Services not verified within this many days appear in the secretariat's queue.
DIRECTORY_VERIFY_AFTER_DAYS = env_int("DIRECTORY_VERIFY_AFTER_DAYS", 180, minimum=1)
# Largest page the HSDS API serves.
HSDS_API_MAX_PER_PAGE = env_int("HSDS_API_MAX_PER_PAGE", 100, minimum=1, maximum=1000)
HSDS_PROFILE_URL = env_str(
    "HSDS_PROFILE_URL", "https://github.com/newstart-lip/newstart/blob/main/docs/hsds-profile/README.md"
)

# --- Search -----------------------------------------------------------------------
# Postings lists each process keeps in memory (newstart.search.postings_cache); 0 keeps none.
SEARCH_POSTINGS_CACHE_MB = env_int("SEARCH_POSTINGS_CACHE_MB", 48, minimum=0, maximum=4096)

# --- The navigator (the public site) -------------------------------------------
# Map tiles are fetched from this server only after a visitor opens a map.
NAVIGATOR_TILE_URL = env_str("NAVIGATOR_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
NAVIGATOR_TILE_ATTRIBUTION = env_str(
    "NAVIGATOR_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
NAVIGATOR_RESULTS_PER_PAGE = env_int("NAVIGATOR_RESULTS_PER_PAGE", 10, minimum=1, maximum=100)
# Problem reports: at most this many per visitor (by hashed IP, kept in the cache only) per hour.
NAVIGATOR_REPORTS_PER_HOUR = env_int("NAVIGATOR_REPORTS_PER_HOUR", 5, minimum=1)
LEAFLET_CONFIG = {
    "TILES": [("", NAVIGATOR_TILE_URL, {"attribution": NAVIGATOR_TILE_ATTRIBUTION})],
    "RESET_VIEW": False,
}

# --- My plan (newstart.plans) ---------------------------------------------------
# A plan's private link, and everything the person typed, is deleted this many days after it was made.
PLANS_EXPIRY_DAYS = env_int("PLANS_EXPIRY_DAYS", 90, minimum=1, maximum=3650)

# --- Logging: no personal data, ever; request bodies are never logged. -------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every PDF step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The partnership workspace (newstart.partnership, at /workspace/) ---------------------------------
LOGIN_URL = "partnership:login"
LOGIN_REDIRECT_URL = "partnership:dashboard"
LOGOUT_REDIRECT_URL = "partnership:login"
# The address the workspace is reached at, for links in emails sent outside a request (notices, digests).
PARTNERSHIP_SITE_URL = env_str("PARTNERSHIP_SITE_URL", "http://localhost:8000")
PARTNERSHIP_INVITATION_DAYS = env_int("PARTNERSHIP_INVITATION_DAYS", 14, minimum=1, maximum=90)
PARTNERSHIP_DOCUMENT_MAX_BYTES = env_int("PARTNERSHIP_DOCUMENT_MAX_MB", 20, minimum=1, maximum=500) * 1024 * 1024
# Calendar feeds carry meetings that ended at most this many days ago, and every later one.
PARTNERSHIP_FEED_PAST_DAYS = env_int("PARTNERSHIP_FEED_PAST_DAYS", 365, minimum=0)
# The secretariat and coordinators must pass two-factor verification before the admin, too.
PARTNERSHIP_ADMIN_REQUIRES_2FA = env_bool("PARTNERSHIP_ADMIN_REQUIRES_2FA", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "newstart")
# django-axes: after AXES_FAILURE_LIMIT failed logins for one username from one address, that pair is
# locked out for LOGIN_LOCKOUT_MINUTES. Nothing is logged; failures are kept in the database only.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newstart.partnership.views.login_locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- The strategy's open data (newstart.strategy.open_data) ---------------------------------------------
# The licence the open data export carries: an SPDX identifier, CC-BY-4.0 or ODC-By-1.0.
from newstart.strategy.licences import DEFAULT_OPEN_DATA_LICENCE, OPEN_DATA_LICENCES  # noqa: E402

OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", DEFAULT_OPEN_DATA_LICENCE)
if OPEN_DATA_LICENCE not in OPEN_DATA_LICENCES:
    raise ImproperlyConfigured(
        f"OPEN_DATA_LICENCE={OPEN_DATA_LICENCE!r} is not one of: {', '.join(sorted(OPEN_DATA_LICENCES))}."
    )
