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
