"""Settings for Hưng Bình, read from the environment (see README "Configuration")."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hungbinh.log import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A development checkout keeps its settings in .env (`make` writes DEBUG=1 there);
# real environment variables always win over it. Production sets the environment.
DEBUG_FROM_ENVIRONMENT = "DEBUG" in os.environ
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Keys that must never protect a real installation: the empty one, Django's
# template placeholder, and the development key below.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-hungbinh"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or SECRET_KEY == DEV_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value when DEBUG is off "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = DEV_SECRET_KEY
elif DEBUG and not DEBUG_FROM_ENVIRONMENT:
    # A real key means a real installation; a development .env left on it turned
    # DEBUG on, and the debug error page shows whatever the failing page held
    # (full ID numbers included). Refuse to start rather than serve that.
    raise ImproperlyConfigured(
        "DEBUG is on only because of the development file .env, but SECRET_KEY is a real key: "
        "remove DEBUG from .env on this server (or set DEBUG=0 in the environment)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "hungbinh.accounts",
    "hungbinh.ops",
    "households",
    "projects",
    "assignments",
    "reports",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hungbinh.middleware.PrivateNoStoreMiddleware",
    "hungbinh.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hungbinh.urls"

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
                "django.template.context_processors.i18n",
                "hungbinh.accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "hungbinh.wsgi.application"

# --- Database -------------------------------------------------------------
# SQLite file by default; PostgreSQL (or anything dj-database-url style) through
# DATABASE_URL. SQLite runs in WAL mode with immediate transactions so that a few
# officers writing at once wait for each other instead of failing with
# "database is locked".
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # A database that stopped answering fails the request in seconds (a 503
    # page) instead of holding a gunicorn worker until TCP gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT compilation: the report tables' aggregates evaluate correlated subqueries per household,
    # which PostgreSQL costs high enough to compile, and the compiling took seconds of every such query
    # while the app's other queries are too short to gain from it (docs/reports.md, "Queries").
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The covering index of the household list includes its search column on
# PostgreSQL; on SQLite the same index without it is what we want.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hungbinh.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hungbinh.accounts.passwords.NotOldOrDemoPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Login throttling (django-axes) ----------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The API's token endpoint answers a lock-out in JSON, the login page with its page.
AXES_LOCKOUT_CALLABLE = "hungbinh.accounts.lockout.lockout_response"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates are day first in both languages (docs/dates.md); HTML forms use hungbinh.forms.VietnameseDateField.
FORMAT_MODULE_PATH = ["hungbinh.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded and generated files: a directory (shared by every app server,
    # e.g. NFS) or S3-compatible object storage (docs/operations.md).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # django-storages reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
    # environment itself, so the keys never sit in the settings.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": "private",
            # Like a directory: a second file of the same name gets a new name.
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# --- Background jobs (Celery) ------------------------------------------------
# Redis as the broker when CELERY_BROKER_URL is set (redis://127.0.0.1:6379/0) and a
# worker runs `celery -A hungbinh worker`; without it, jobs run eagerly in the
# process that asked for them. Job state and files live in the database and the
# storage, never in the broker, so any app server can show and serve them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="hungbinh")
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged when it ends, so a worker killed mid-job leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that does not answer fails the request quickly instead of hanging it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10}
# Lists and exports larger than this many households run as jobs.
REPORT_JOB_THRESHOLD = env.int("REPORT_JOB_THRESHOLD", default=1000)
# Consolidated report tables over more households than this run as jobs (docs/reports.md).
REPORT_TABLE_JOB_THRESHOLD = env.int("REPORT_TABLE_JOB_THRESHOLD", default=20000)
# A running job with no progress for this long may be retried (its worker died).
REPORT_JOB_STALE_MINUTES = env.int("REPORT_JOB_STALE_MINUTES", default=15)
# Jobs (and their files in the storage) untouched for this many days are deleted by
# `manage.py sweep_jobs` (deploy/systemd/hungbinh-sweep.timer); 0 keeps them for ever.
REPORT_JOB_RETENTION_DAYS = env.int("REPORT_JOB_RETENTION_DAYS", default=30)
# An uploaded household workbook larger than this (bytes) is checked or imported as a job (docs/workbook.md).
IMPORT_JOB_BYTES = env.int("IMPORT_JOB_BYTES", default=1024 * 1024)

# --- Cache and sessions ---------------------------------------------------------
# Several app servers share one Redis (REDIS_URL, or any cache URL in
# CACHE_URL); one server alone keeps a local-memory cache. With Redis down the
# cache answers "nothing cached" instead of failing the request (django-redis's
# IGNORE_EXCEPTIONS, logged), and sessions fall back to the database.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
    if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
        CACHES["default"].setdefault("OPTIONS", {}).update(
            {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True}
        )
    CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="hungbinh"))
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "hungbinh.ops.sessions",
}
SESSION_STORE = env.str("SESSION_STORE", default="cached_db" if CACHE_URL else "db")
if SESSION_STORE not in SESSION_ENGINES or (SESSION_STORE != "db" and not CACHE_URL):
    raise ImproperlyConfigured(
        "SESSION_STORE must be db, cached_db or cache, and cached_db or cache need REDIS_URL or CACHE_URL."
    )
SESSION_ENGINE = SESSION_ENGINES[SESSION_STORE]

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns "no credentials" into a 401.
        "hungbinh.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hungbinh.accounts.api.exception_handler",
}
# An API token is valid this many hours after it was issued (hungbinh/accounts/tokens.py).
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=24)
SPECTACULAR_SETTINGS = {
    "TITLE": "Hưng Bình API",
    "DESCRIPTION": "API quản lý Chương trình MTQG Giảm nghèo bền vững cấp phường.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps the data model: only for those who may use the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set used by several fields (status, from_status, to_status).
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "households.rules.Status",
        # The program's choice sets (docs/program.md): "kind" and "state" name two sets each.
        "SupportKindEnum": "projects.rules.SupportKind",
        "UnitKindEnum": "assignments.rules.UnitKind",
        "PlanStateEnum": "projects.rules.PlanState",
        "TaskStateEnum": "assignments.rules.TaskState",
    },
    # Every operation's error answers (400, 401, 403, 404) are documented (hungbinh/accounts/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hungbinh.accounts.schema.add_error_responses",
    ],
}

# --- Security -------------------------------------------------------------
# Pages carry personal data: never cached by shared caches, cookies secure in
# production. Behind plain HTTP on an intranet, set SECURE_SSL_REDIRECT=0 and
# SESSION_COOKIE_SECURE=0 (check --deploy will then say so).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A load balancer checks health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Errors (with their tracebacks) and the app's own records to stderr, ID numbers
# masked; LOG_FORMAT=json writes one JSON object per line (hungbinh/log.py).
LOGGING = logging_config(log_format=env.str("LOG_FORMAT", default="text"), level=env.str("LOG_LEVEL", default="INFO"))
