"""Django settings. Every value that varies by deployment comes from credit.config."""

from pathlib import Path

import dj_database_url

from credit import config

CONFIG = config.load()
BASE_DIR = config.BASE_DIR
DEBUG = CONFIG["DEBUG"]
SECRET_KEY = CONFIG["SECRET_KEY"]
# The demo of `make run`: production settings (no debug pages) with demo accounts and data.
CREDIT_DEMO = CONFIG["DEMO"]
ALLOWED_HOSTS = CONFIG["ALLOWED_HOSTS"] + (["testserver"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its templates and static files: the API docs page then loads Swagger UI
    # from this server instead of a CDN that closed government networks cannot reach.
    "ninja",
    "django_tasks",
    "django_filters",
    "credit.core.tasks_app.TasksDatabaseConfig",  # django_tasks_db, with Chinese admin names
    "credit.core",
    "credit.accounts",
    "credit.audit",
    "credit.catalog",
    "credit.subjects",
    "credit.facts",
    "credit.records",
    "credit.collection",
    "credit.lists",
    "credit.registration",
    "credit.commitments",
    "credit.measures",
    "credit.notices",
    "credit.checks",
    "credit.review",
    "credit.evaluation",
    "credit.reports",
    "credit.applications",
    "credit.objections",
    "credit.supervision",
    "credit.console",
    "credit.portal",
    "credit.repairs",
]

MIDDLEWARE = [
    # Outermost, so static files served by WhiteNoise get the headers too.
    "credit.core.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: signed-in staff are not limited, anonymous requests are.
    "credit.core.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "credit.accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "credit.audit.middleware.RequestIdMiddleware",
    "credit.core.middleware.RefuseNulMiddleware",
    # Keep last: a read whose database connection was dropped runs its view again.
    "credit.core.dbretry.RetryReadOnLostConnection",
]

ROOT_URLCONF = "credit.urls"
WSGI_APPLICATION = "credit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "credit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "credit.console.context_processors.workday_calendar",
                "credit.console.context_processors.permissions",
                "credit.portal.context_processors.site",
            ],
        },
    },
]

try:
    DATABASES = {"default": dj_database_url.parse(CONFIG["DATABASE_URL"], conn_max_age=60)}
except ValueError as exc:  # an unknown scheme: stop like any other configuration error
    raise config.ConfigError(
        f"配置错误 / configuration error:\n  CREDIT_DATABASE_URL: 取值无效 / invalid value ({exc})"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's statement preparation off. It only ever applies to queries run
    # through a server-binding cursor (the ORM's client-bound queries are never prepared):
    # the hot credit-check statements (credit.checks.fastpath, credit.accounts.tokens)
    # are then planned once per connection instead of on every request. Behind a
    # transaction-pooling PgBouncer set it to None (prepared statements are per session).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
    # Sessions are findable by process (collection.liveness renames a worker's session),
    # and a statement whose client died (a killed worker) is cancelled by the server.
    DATABASES["default"]["OPTIONS"]["application_name"] = "credit"
    if CONFIG["DB_CLIENT_CHECK_SECONDS"]:
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c client_connection_check_interval={CONFIG['DB_CLIENT_CHECK_SECONDS'] * 1000}"
        )
# A persistent connection the server dropped is replaced before a request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Enforces the 等保 lockout (5 failures → 15 minutes) on every login path, admin included.
# The auditor backend comes first: it refuses auditors every write permission (see it).
AUTHENTICATION_BACKENDS = [
    "credit.accounts.permissions.AuditorReadOnlyBackend",
    "credit.accounts.backends.LockoutBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
# Chinese validators of the 等保 2.0 password policy (credit.accounts.passwords); the
# history validator also records each new password when it is saved.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "credit.accounts.passwords.LengthValidator",
        "OPTIONS": {"min_length": CONFIG["PASSWORD_MIN_LENGTH"]},
    },
    {
        "NAME": "credit.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": CONFIG["PASSWORD_MIN_CLASSES"]},
    },
    {"NAME": "credit.accounts.passwords.UserSimilarityValidator"},
    {"NAME": "credit.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "credit.accounts.passwords.NumericPasswordValidator"},
    {
        "NAME": "credit.accounts.passwords.HistoryValidator",
        "OPTIONS": {"history": CONFIG["PASSWORD_HISTORY"]},
    },
]
CREDIT_PASSWORD_MAX_AGE_DAYS = CONFIG["PASSWORD_MAX_AGE_DAYS"]
CREDIT_PASSWORD_FORCE_CHANGE = (
    CONFIG["PASSWORD_FORCE_CHANGE"] if CONFIG["PASSWORD_FORCE_CHANGE"] is not None else not DEBUG
)
LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"
SESSION_COOKIE_AGE = 30 * 60  # idle logout, 等保 2.0 default
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "zh-hans"
# Chinese only until English translations exist: with "en" listed, a browser asking for
# English got Django's own messages in English inside Chinese pages.
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the few admin strings Django's zh_Hans catalogs lack (widgets, user form).
LOCALE_PATHS = [BASE_DIR / "src" / "credit" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Project-wide vendored CSS/JS (no CDN): src/credit/static.
STATICFILES_DIRS = [BASE_DIR / "src" / "credit" / "static"]
# Files browsers ask for at the site root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "src" / "credit" / "webroot"
MEDIA_ROOT = CONFIG["MEDIA_ROOT"]
MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if CONFIG["TASKS_IMMEDIATE"]
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

CREDIT_FIELD_KEYS = CONFIG["FIELD_KEYS"]
CREDIT_FIELD_KEY_ID = CONFIG["FIELD_KEY_ID"]
CREDIT_BLIND_INDEX_KEY = CONFIG["BLIND_INDEX_KEY"]
CREDIT_TOKEN_HASH_KEY = CONFIG["TOKEN_HASH_KEY"]
CREDIT_TOKEN_CACHE_SECONDS = CONFIG["TOKEN_CACHE_SECONDS"]
CREDIT_API_TOKEN_DAYS = CONFIG["API_TOKEN_DAYS"]
CREDIT_API_TOKEN_WARN_DAYS = CONFIG["API_TOKEN_WARN_DAYS"]
CREDIT_CHECK_ASYNC_COMMIT = CONFIG["CHECK_ASYNC_COMMIT"]
CREDIT_RATE_LIMIT_PER_MINUTE = CONFIG["RATE_LIMIT_PER_MINUTE"]
CREDIT_UPLOAD_MAX_ROWS = CONFIG["UPLOAD_MAX_ROWS"]
CREDIT_UPLOAD_MAX_COLUMNS = CONFIG["UPLOAD_MAX_COLUMNS"]
CREDIT_XLSX_MAX_CELLS = CONFIG["XLSX_MAX_CELLS"]
CREDIT_XLSX_MAX_SHEET_MB = CONFIG["XLSX_MAX_SHEET_MB"]
CREDIT_XLSX_MAX_RATIO = CONFIG["XLSX_MAX_RATIO"]
CREDIT_XLSX_MAX_ENTRIES = CONFIG["XLSX_MAX_ENTRIES"]
CREDIT_XLSX_READER_MEMORY_MB = CONFIG["XLSX_READER_MEMORY_MB"]
CREDIT_XLSX_READER_SECONDS = CONFIG["XLSX_READER_SECONDS"]
CREDIT_CHECK_FILE_MEMORY_MB = CONFIG["CHECK_FILE_MEMORY_MB"]
CREDIT_CHECK_FILE_SECONDS = CONFIG["CHECK_FILE_SECONDS"]
CREDIT_BATCH_MAX_ERRORS = CONFIG["BATCH_MAX_ERRORS"]
CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE = CONFIG["RATE_LIMIT_TOKEN_PER_MINUTE"]
CREDIT_RATE_LIMIT_KEY_PREFIX = CONFIG["RATE_LIMIT_KEY_PREFIX"]
# Submissions of application forms (异议 …) per client address and minute, on top of the
# general limit: each one stores files and costs an argon2 hash.
CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 5
CREDIT_REDIS_URL = CONFIG["REDIS_URL"]
CREDIT_EARLIEST_DATE = CONFIG["EARLIEST_DATE"]
CREDIT_UPLOAD_RETENTION_DAYS = CONFIG["UPLOAD_RETENTION_DAYS"]
CREDIT_ACCESS_LOG_DEDUP_SECONDS = CONFIG["ACCESS_LOG_DEDUP_SECONDS"]
CREDIT_NOTICE_WEBHOOK_ALLOWED_HOSTS = CONFIG["NOTICE_WEBHOOK_ALLOWED_HOSTS"]
CREDIT_NOTICE_WEBHOOK_TIMEOUT = CONFIG["NOTICE_WEBHOOK_TIMEOUT"]
CREDIT_BATCH_MAX_ATTEMPTS = CONFIG["BATCH_MAX_ATTEMPTS"]
CREDIT_BATCH_HEARTBEAT_SECONDS = CONFIG["BATCH_HEARTBEAT_SECONDS"]
CREDIT_WORKER_SEEN_SECONDS = CONFIG["WORKER_SEEN_SECONDS"]
CREDIT_WORKER_WAIT_WARNING_SECONDS = CONFIG["WORKER_WAIT_WARNING_SECONDS"]
CREDIT_WORKER_RECOVER_SECONDS = CONFIG["WORKER_RECOVER_SECONDS"]

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CONFIG["REDIS_URL"]}
        if CONFIG["REDIS_URL"]
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "credit"}
    )
}

# Deployment security (issue 10, item 21): each setting has its CREDIT_* variable; the
# "auto" ones are on in production mode and off in development (plain HTTP on 127.0.0.1).
_SECURE_COOKIES = CONFIG["SECURE_COOKIES"] if CONFIG["SECURE_COOKIES"] is not None else not DEBUG
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _SECURE_COOKIES
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = (
    CONFIG["HSTS_SECONDS"] if CONFIG["HSTS_SECONDS"] is not None else (0 if DEBUG else 31_536_000)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG["HSTS_INCLUDE_SUBDOMAINS"]
if CONFIG["PROXY_SSL_HEADER"]:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + CONFIG["PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
CSRF_TRUSTED_ORIGINS = CONFIG["CSRF_TRUSTED_ORIGINS"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and style is a vendored file served from here: no inline script or style,
# no eval, nothing from another host. Swagger UI draws its icons as data: images.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if CONFIG["CSP_REPORT_URI"]:
    _CSP["DIRECTIVES"]["report-uri"] = [CONFIG["CSP_REPORT_URI"]]
if CONFIG["CSP_MODE"] == "enforce":
    CONTENT_SECURITY_POLICY = _CSP
elif CONFIG["CSP_MODE"] == "report-only":
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
CREDIT_PERMISSIONS_POLICY = CONFIG["PERMISSIONS_POLICY"]
CREDIT_SITE = {
    "host_org": CONFIG["SITE_HOST_ORG"],
    "contact": CONFIG["SITE_CONTACT"],
    "code": CONFIG["SITE_CODE"],
    "icp": CONFIG["SITE_ICP"],
    "psb": CONFIG["SITE_PSB"],
}
CREDIT_SERVER_HEADER = CONFIG["SERVER_HEADER"]
CREDIT_SITE_URL = CONFIG["SITE_URL"].rstrip("/")
CREDIT_REPORT_ISSUER = CONFIG["REPORT_ISSUER"]
CREDIT_REPORT_SIGNING_P12 = CONFIG["REPORT_SIGNING_P12"]
CREDIT_REPORT_SIGNING_PASSWORD = CONFIG["REPORT_SIGNING_PASSWORD"]
# Development or demo: reports may be signed with a self-signed demo certificate. Read from
# the configuration, not settings.DEBUG, which the test runner switches off.
CREDIT_REPORT_DEMO_SIGNING = CONFIG["DEBUG"] or CONFIG["DEMO"]
CREDIT_REPORT_PER_MINUTE = CONFIG["REPORT_PER_MINUTE"]
CREDIT_REPORT_REFRESH_DAYS = CONFIG["REPORT_REFRESH_DAYS"]
CREDIT_COMMITMENT_VERIFY_WORKDAYS = CONFIG["COMMITMENT_VERIFY_WORKDAYS"]
CREDIT_REPAIR_ACCEPT_WORKDAYS = CONFIG["REPAIR_ACCEPT_WORKDAYS"]
CREDIT_REPAIR_DECIDE_WORKDAYS = CONFIG["REPAIR_DECIDE_WORKDAYS"]
CREDIT_REPAIR_EXTENSION_WORKDAYS = CONFIG["REPAIR_EXTENSION_WORKDAYS"]
CREDIT_REPAIR_BAR_MONTHS = CONFIG["REPAIR_BAR_MONTHS"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONFIG["LOG_LEVEL"]},
    # django-tasks writes two INFO lines for every task it runs: after the demo import (one
    # outbox delivery task per import transaction) that was over two thousand lines. Its
    # failures are logged as errors; the platform's own lines (jobs, batches) stay at INFO.
    # CREDIT_LOG_LEVEL=DEBUG shows them again.
    "loggers": {
        "django_tasks": {"level": "DEBUG" if CONFIG["LOG_LEVEL"].upper() == "DEBUG" else "WARNING"},
        # WeasyPrint logs every rendering step of every credit report at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
