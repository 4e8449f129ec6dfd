"""Django settings for theodoi, read from environment variables through small typed helpers."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    """The environment variable `name` read as a yes/no flag."""
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    """The environment variable `name` read as an integer."""
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    """The environment variable `name` read as a comma-separated list (blanks dropped)."""
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envpath(name: str, default: Path) -> Path:
    """The environment variable `name` read as a filesystem path."""
    value = os.getenv(name)
    return Path(value) if value else default


VAR_DIR = envpath("VAR_DIR", BASE_DIR / "var")

# The development key only serves local runs; every deployment sets SECRET_KEY.
SECRET_KEY = os.getenv("SECRET_KEY", "theodoi-development-key-not-for-production")
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "theodoi.tracking",
    "django_htmx",
    "theodoi.web",
    "theodoi.outputs",
    "theodoi.notices",
    "ninja",  # the API's documentation page, served from our own static files
    "theodoi.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user chose English (the browser's language is not asked).
    "theodoi.web.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees a view's database error first: 503 while the database is down.
    "theodoi.web.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "theodoi.urls"
WSGI_APPLICATION = "theodoi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "theodoi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "theodoi.web.context.web",
            ],
        },
    },
]

_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'theodoi.sqlite3'}"
DATABASE_URL = os.getenv("DATABASE_URL", "") or _DEFAULT_DATABASE_URL
if DATABASE_URL == _DEFAULT_DATABASE_URL:
    # SQLite cannot create the folder its file lives in.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "theodoi" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Dates as documents print them: 30/04/2025 (theodoi/formats/).
FORMAT_MODULE_PATH = "theodoi.formats"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = envpath("STATIC_ROOT", VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "theodoi" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = envpath("MEDIA_ROOT", VAR_DIR / "media")

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:overview"
LOGOUT_REDIRECT_URL = "web:login"
# Pages (theodoi/web): failed logins allowed per username and address in the window.
LOGIN_FAILURES_ALLOWED = envint("LOGIN_FAILURES_ALLOWED", "5")
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", "900")
# The cache the limit counts in: shared by every server process when it is Redis.
LOGIN_LIMIT_CACHE = os.getenv("LOGIN_LIMIT_CACHE", "default")
# Behind reverse proxies: the header they write the client's address in (X-Forwarded-For)
# and how many of them there are; both unset, the header is never read (docs/security.md).
TRUSTED_PROXY_HEADER = os.getenv("TRUSTED_PROXY_HEADER", "")
NUM_PROXIES = envint("NUM_PROXIES", "0")

# Tracking: a task is "due soon" this many days before its deadline.
DUE_SOON_DAYS = envint("DUE_SOON_DAYS", "14")
# Evidence files of a progress report (theodoi/tracking/evidence.py): bytes per file,
# files per report; the types are fixed there.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
EVIDENCE_MAX_FILES = envint("EVIDENCE_MAX_FILES", "10")

# HTTP API (theodoi/web/api): rows per page of its lists, by default and at most.
API_PAGE_SIZE = envint("API_PAGE_SIZE", "50")
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", "500")

# E-mail (reminders, `theodoi remind`): SMTP when EMAIL_HOST is set, else printed to the console.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.getenv("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "False")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "theodoi@localhost")
# Reminders go out at most once per period: week, month, quarter (docs/outputs.md).
REMINDER_EVERY = os.getenv("REMINDER_EVERY", "week")

# Documents (docs/outputs.md): the issuing body printed on urging letters and reports.
DOCUMENT_ISSUER = os.getenv("DOCUMENT_ISSUER", "Bộ Khoa học và Công nghệ")
DOCUMENT_ISSUER_PARENT = os.getenv("DOCUMENT_ISSUER_PARENT", "")
DOCUMENT_SYMBOL = os.getenv("DOCUMENT_SYMBOL", "BKHCN-CĐS")
DOCUMENT_PLACE = os.getenv("DOCUMENT_PLACE", "Hà Nội")
DOCUMENT_SIGNER_TITLE = os.getenv("DOCUMENT_SIGNER_TITLE", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG")
DOCUMENT_SIGNER_NAME = os.getenv("DOCUMENT_SIGNER_NAME", "")

# -- Production security: HTTPS, cookies, CSP, SQLite under load (docs/security.md) ---------
# PRODUCTION=1 refuses to start without SECRET_KEY and turns every secure default on; each
# setting can still be set alone from the environment (behind a TLS proxy on plain HTTP in
# a test, say).
PRODUCTION = envbool("PRODUCTION", "False")
if PRODUCTION and not os.getenv("SECRET_KEY"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PRODUCTION=1 cần biến môi trường SECRET_KEY (một chuỗi ngẫu nhiên dài, giữ bí mật) / "
        "PRODUCTION=1 requires the SECRET_KEY environment variable (a long random secret)."
    )
_SECURE = "True" if PRODUCTION else "False"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _SECURE)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _SECURE)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _SECURE)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _SECURE)
# "HTTP_X_FORWARDED_PROTO,https": the header a TLS-terminating proxy sets, and its value.
_PROXY_SSL = envlist("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL[0], _PROXY_SSL[1]) if len(_PROXY_SSL) == 2 else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): the pages load only the site's own static files;
# no inline script anywhere (theodoi/static/web/forms.js holds what was inline). Style
# attributes stay allowed (bar widths are data), <style> elements do not.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# SQLite, the embedded default: writers queue for the lock instead of failing with
# "database is locked". IMMEDIATE takes the write lock when a transaction begins (a
# deferred one that reads first cannot wait for it: SQLite refuses at once); the timeout
# is how long a writer waits; WAL lets readers go on while one writes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", "20"),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })

# -- Logs: JSON lines on stderr (theodoi/logs.py); request errors carry path and user id ----
LOG_LEVEL = os.getenv("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "theodoi.logs.RequestFilter"}},
    "formatters": {"json": {"()": "theodoi.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {"class": "theodoi.logs.StderrHandler", "formatter": "json",
                   "filters": ["request"]},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (mail to admins, console only with DEBUG) are replaced.
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# -- Audit trail (theodoi/audit, django-auditlog): who changed what ------------------------
INSTALLED_APPS += ["auditlog", "theodoi.audit"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "theodoi.audit.middleware.AuditMiddleware")
AUDITLOG_STORE_JSON_CHANGES = True

# -- infrastructure: cache, queue, storage, replicas --------------------------------------
# Each part has an embedded default (one process, SQLite, files on disk, jobs in a thread)
# and a production form chosen by the environment; DEPLOY.md has the table of variables.
INSTALLED_APPS += ["theodoi.jobs"]

# Static files served by the application itself (WhiteNoise) under any server; in
# production nginx serves STATIC_ROOT first (deploy/nginx.conf) and this is the fallback.
# The finders let it serve without `collectstatic`, which nginx's copy still needs.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = True
if STATIC_ROOT.parent.is_dir() and os.access(STATIC_ROOT.parent, os.W_OK):
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at every start when it is missing
WHITENOISE_MAX_AGE = envint("STATIC_MAX_AGE", "3600")

# Persistent connections: a new PostgreSQL connection per request costs more than most pages.
# DB_CONN_MAX_AGE (seconds, 0 = per request) is read above; gunicorn_conf.py defaults it to
# 300. The health check drops a connection the server closed instead of failing a request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("DB_CONN_HEALTH_CHECKS", "True")
if os.getenv("DATABASE_TEST_NAME"):  # test runs sharing one server each use their own database
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

# Read replicas (theodoi/dbrouter.py): dashboards read from `replica` when it is set.
DATABASE_REPLICA_URL = os.getenv("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL,
                                conn_max_age=envint("DB_CONN_MAX_AGE", "0")),
        "CONN_HEALTH_CHECKS": envbool("DB_CONN_HEALTH_CHECKS", "True"),
        # Tests run against the primary's test database: the replica mirrors it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["theodoi.dbrouter.ReplicaRouter"]
    MIDDLEWARE += ["theodoi.dbrouter.ReplicaMiddleware"]
# URL names of the pages whose GET requests may read from the replica (a few seconds behind).
DATABASE_REPLICA_VIEWS = envlist(
    "DATABASE_REPLICA_VIEWS",
    "web:overview,web:plans,web:plan,web:agencies,web:agency,web:search,web:timeline,"
    "api:list_plans,api:list_tasks,api:list_assignments,api:list_statuses,api:list_targets",
)
# After a write, the same browser reads from the primary this long (it sees its own write).
DATABASE_REPLICA_STICKY_SECONDS = envint("DATABASE_REPLICA_STICKY_SECONDS", "15")

# Cache (and the login limiter, which keeps its counts in the cache): Redis when REDIS_URL
# is set. The embedded default is local memory: one process (waitress's threads) shares it;
# several processes (gunicorn) each have their own, so a limiter there needs REDIS_URL.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "theodoi"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "theodoi",
        },
    }

# Files (plan sources, evidence, uploads waiting for a job): the filesystem under
# MEDIA_ROOT, or an S3-compatible bucket when STORAGE_BACKEND=s3.
STORAGE_BACKEND = os.getenv("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.getenv("AWS_STORAGE_BUCKET_NAME", "theodoi"),
            "endpoint_url": os.getenv("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("AWS_S3_REGION_NAME") or None,
            "access_key": os.getenv("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.getenv("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.getenv("AWS_LOCATION", ""),
            # Files are private: downloads go through the pages, which check access.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "filesystem":
    # Django's, except that a write a full disk interrupts leaves no partial file.
    _default_storage = {"BACKEND": "theodoi.web.storage.EvidenceStorage"}
else:
    raise ValueError(f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Jobs (theodoi/jobs): Celery. CELERY_BROKER_URL names Redis (redis://) or RabbitMQ
# (amqp://); the embedded default, memory://, runs a worker thread inside the serving process.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "memory://")
# A queue of our own: a broker shared with other applications must not hand them our jobs.
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "theodoi")
CELERY_TASK_IGNORE_RESULT = True  # a job's state lives in its row (theodoi.jobs.models.Job)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # imports are long: one at a time per worker process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a job waits at most a few seconds for an unreachable broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2,
                                    "interval_step": 0.5, "interval_max": 1}
JOBS_EMBEDDED = CELERY_BROKER_URL.startswith("memory://")
JOBS_EMBEDDED_CONCURRENCY = envint("JOBS_EMBEDDED_CONCURRENCY", "2")
# Uploads of finished jobs are removed after this many days (failed jobs' at once).
JOBS_KEEP_DAYS = envint("JOBS_KEEP_DAYS", "30")
# A job whose worker has not been heard from for this long is marked failed.
JOBS_STALE_SECONDS = envint("JOBS_STALE_SECONDS", "3600")
