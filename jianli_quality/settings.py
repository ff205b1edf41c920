"""Settings for the 质量品牌工作平台 (the county is the policy pack's, docs/policy-pack.md), read from the environment (django-environ).

With no environment set, everything runs embedded on one machine: SQLite and the Celery
broker (kombu's filesystem transport) under ``var/``, e-mail written as files to ``var/mail/``.
Set ``DJANGO_ENV=production`` for a deployment: ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are then
required and the secure-cookie / HSTS settings are switched on.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("JIANLI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)  # optional local file; the real environment wins

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=False)  # on only when asked for: DJANGO_DEBUG=1


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_ENV=production (生产模式下必须设置环境变量 {name})."
        )
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-for-the-embedded-default-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])

# links in e-mails: by default the address the embedded default actually serves (WEB_PORT is what
# `make run` / the Procfile bind gunicorn to); production sets SITE_URL to the public address
WEB_PORT = env.int("WEB_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{WEB_PORT}")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "csp",
    "core",
    "accounts",
    "committee",
    "targets",
    "awards",
    "meetings",
    "notifications",
    "scheduler",
    "assessment",
    "portal",  # the top layer: imports every app above, imported by none
    "policypack",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ControlCharacterMiddleware",  # before anything reads a query parameter
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.StorageProblemMiddleware",
]

ROOT_URLCONF = "jianli_quality.urls"
WSGI_APPLICATION = "jianli_quality.wsgi.application"

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
                "portal.context_processors.platform",
            ],
            "builtins": ["core.templatetags.dates"],
        },
    },
]

# widgets (inputs, selects, textareas) rendered in Python with Django's markup; the rest by Django
FORM_RENDERER = "core.widgets.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat share one file: wait for locks instead of failing, and take the write
    # lock at BEGIN so two writers never deadlock on a read-then-write upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# persistent connections (re-checked before reuse): opening one costs more than most queries
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # a down or hung Redis is a cache miss: short socket timeouts, errors never reach a page
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jianli",
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.3),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.3),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # longer than the longest task time limit, so a running task is never delivered twice
        "visibility_timeout": 3600,
        # a publish from a web request gives up quickly (the outbox sweep sends later); the worker
        # and beat reconnect by themselves (CELERY_BROKER_CONNECTION_MAX_RETRIES below)
        "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=0.5),
        "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=0.5),
        "socket_keepalive": True,
        "health_check_interval": 25,
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.FileCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # shared by the web workers, the Celery worker and beat: a file cache
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env.int("FILE_CACHE_MAX_ENTRIES", default=20000)}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
# no results are stored, so nothing to expire: keeps beat from adding a "celery.backend_cleanup" task
CELERY_RESULT_EXPIRES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# worker and beat start while the broker is down and reconnect for ever after an outage (kombu:
# None = retry for ever, 0 = never retry), with back-off up to a few seconds between attempts
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# a publish never hangs a web request for long when the broker is down or hung: one attempt bounded
# by the socket timeouts above, then given up; the row it was for stays in the database for the
# sweep (core.broker.publish)
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="质量品牌工作平台 <noreply@jianli-quality.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# the client's address behind the proxy (core.clientip; nginx config in docs/deployment.md):
# TRUSTED_PROXY_COUNT proxies append to X-Forwarded-For, the last one talks to gunicorn over a unix
# socket or from TRUSTED_PROXY_IPS; ipware counts only the proxies listed in the header itself
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=[])
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("CLIENT_IP_HEADERS", default=["HTTP_X_FORWARDED_FOR"])
REGISTRATION_RATE = env.str("REGISTRATION_RATE", default="10/h")  # django-ratelimit, per client address

SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)  # idle expiry
# refreshed by core.middleware.SessionActivityMiddleware at most this often, not on every request
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=5 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["jianli_quality.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    # uploaded files are never served from a public URL: see core.files.serve_protected_file
    # checksummed at write, never left behind by a rollback: see core.storage
    "default": {"BACKEND": "core.storage.CheckedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/_no_public_media/"  # never routed: uploads go through permission-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = env.int("MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
MAX_XLSX_BYTES = env.int("MAX_XLSX_BYTES", default=5 * 1024 * 1024)
# the health page warns when the disk holding var/ has less free space than this
DISK_FREE_WARN_BYTES = env.int("DISK_FREE_WARN_BYTES", default=2 * 1024**3)
MAX_XLSX_UNCOMPRESSED_BYTES = env.int("MAX_XLSX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)

# --- import-export --------------------------------------------------------------------------
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_FORMATS = [
    "import_export.formats.base_formats.XLSX",
    "import_export.formats.base_formats.CSV",
]
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # ECharts sets inline styles on its canvas
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Platform -------------------------------------------------------------------------------
# shown until a policy pack is loaded; afterwards the pack's identity.platform_name (core.policy)
PLATFORM_NAME = "质量品牌工作平台"
# the policy pack `load_policy` loads by default (docs/policy-pack.md); another county sets POLICY_PACK_DIR
POLICY_PACK_DIR = Path(env.str("POLICY_PACK_DIR", default=str(BASE_DIR / "fixtures" / "policy" / "jianli")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

for _d in ("mail", "media", "cache", "broker/out", "broker/processed", "reports"):
    (VAR_DIR / _d).mkdir(parents=True, exist_ok=True)

# --- django-filter (list filters and sortable columns) ---------------------------------------
FILTERS_EMPTY_CHOICE_LABEL = "全部"
FILTERS_NULL_CHOICE_LABEL = "（空）"
