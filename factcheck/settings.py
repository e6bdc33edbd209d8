"""One settings module for every environment.

Every knob has a default that works for `make run` (SQLite, tasks in-process, console e-mail);
production overrides come from environment variables, all listed in `.env.example`.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# A `.env` beside manage.py (copied from `.env.example`) fills in what the real environment leaves unset.
load_dotenv(BASE_DIR / ".env", override=False)


def env(name: str, default: str = "") -> str:
    """An environment variable; set-but-empty counts as unset, as `.env.example` leaves most blank."""
    return os.environ.get(name, "").strip() or default


def envbool(name: str, default: str) -> bool:
    return env(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envfloat(name: str, default: float) -> float:
    return float(env(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework_api_key",
    "simple_history",
    "csp",
    "axes",
    "claims",
]

MIDDLEWARE = [
    # First: answers /healthz before host validation and the HTTPS redirect, for the container's own probe.
    "factcheck.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "claims.middleware.local_beat",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
            ],
        },
    },
]

# SQLite needs no service; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` runs jobs in threads of the web process: writers wait for each other instead of failing
    # with "database is locked", and take the write lock up front so two never deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: the workbench's queries are short, and compiling a full-text ranking query costs ~0.4 s
    # more than running it (claims/coverage/database.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if envbool("FAST_PASSWORD_HASHER", "false"):
    # Tests only: the default hasher costs ~0.3 s per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Repeated failed sign-ins for one user name from one address lock that pair out for a while (django-axes).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development and the test suite, whitenoise serves the apps' files where they lie (no collectstatic);
# production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "workbench@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")

# Uploads: an article file larger than this is refused before it is read into memory.
INGEST_MAX_BYTES = envint("INGEST_MAX_BYTES", 5 * 1024 * 1024)
INGEST_MAX_CHARS = envint("INGEST_MAX_CHARS", 500_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_BYTES + 1024 * 1024

# The guarded client (claims/fetching.py) is the only way the server fetches a user-supplied URL.
FETCH_CONNECT_TIMEOUT = envfloat("FETCH_CONNECT_TIMEOUT", 5.0)
FETCH_READ_TIMEOUT = envfloat("FETCH_READ_TIMEOUT", 15.0)
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 5 * 1024 * 1024)
FETCH_MAX_REDIRECTS = envint("FETCH_MAX_REDIRECTS", 5)
FETCH_USER_AGENT = env("FETCH_USER_AGENT", "FactcheckWorkbench/0.1 (+https://example.org/bot)")
# "host:port" pairs that may be fetched although they are not globally routable. Only tests set it,
# to reach their own local server; production leaves it empty.
FETCH_ALLOWED_HOSTS = envlist("FETCH_ALLOWED_HOSTS")

# Celery: without a broker, tasks run in-process so `make run` needs no services.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# A message is acknowledged only when its task ends, and handed back to the queue if the process running
# it dies (SIGKILL, out of memory): the redelivery takes the job over at once (same task id, same lease).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request that queues a job must not wait long for a broker that is down (refusing, or silent): the job
# is saved either way and the sweeper queues it when the broker is back (claims/services/job_queue.py).
# Worst case: two tries of CELERY_BROKER_TIMEOUT each.
CELERY_BROKER_TIMEOUT = envfloat("CELERY_BROKER_TIMEOUT", 1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged message out again after this long. It must outlast a task waiting
    # behind another in a worker's prefetch and then running to its time limit, or live tasks run twice.
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
    "socket_timeout": CELERY_BROKER_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Nothing reads task results: job state lives in the Job row.
CELERY_TASK_IGNORE_RESULT = True
# Background jobs (claims/services/jobs.py). A worker holds a job by a lease it renews every third of
# JOB_LEASE_SECONDS; when its worker dies the job is taken over by the redelivered message at once, or
# else by the sweeper once the lease ran out: recovery within JOB_LEASE_SECONDS + JOB_SWEEP_SECONDS.
JOB_LEASE_SECONDS = envint("JOB_LEASE_SECONDS", 60)
JOB_SWEEP_SECONDS = envint("JOB_SWEEP_SECONDS", 30)
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", 3)
# A run that failed transiently (database or Redis not answering, a host name not resolving, a page timing
# out: claims/services/retries.py) is tried again, within JOB_MAX_ATTEMPTS, after a random wait of up to
# JOB_RETRY_BASE_SECONDS × 2^(attempt − 1), never more than JOB_RETRY_MAX_SECONDS.
JOB_RETRY_BASE_SECONDS = envfloat("JOB_RETRY_BASE_SECONDS", 5)
JOB_RETRY_MAX_SECONDS = envfloat("JOB_RETRY_MAX_SECONDS", 300)
# The retry's message waits in a worker unacknowledged (a countdown): past the visibility timeout Redis
# would hand it out a second time.
if JOB_RETRY_MAX_SECONDS >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("JOB_RETRY_MAX_SECONDS must be shorter than Redis' visibility timeout.")
# Who runs jobs: "celery" (a worker, through the broker), "eager" (in the request, on commit: the test
# suite) or "thread" (a thread of the web process, so `make run` needs no worker and requests don't wait).

_TESTING = "pytest" in sys.modules  # the suite relies on jobs having run when the transaction commits
JOB_RUNNER = env("JOB_RUNNER", "celery" if CELERY_BROKER_URL else "eager" if _TESTING else "thread")
if JOB_RUNNER not in ("celery", "eager", "thread"):
    raise ImproperlyConfigured("JOB_RUNNER must be celery, eager or thread.")
# Related coverage (claims/services/coverage.py): new articles, claims, published verdicts and archived
# sources queue indexing and suggestion jobs on commit. Off in the test suite unless a test turns it on, so
# the other tests don't load the embedding model for every article they store.
COVERAGE_AUTO_JOBS = envbool("COVERAGE_AUTO_JOBS", "false" if _TESTING else "true")
COVERAGE_SUGGESTIONS = envint("COVERAGE_SUGGESTIONS", 10)
# Who ranks lexically: "database" (PostgreSQL full-text, BM25 in SQL; the default there) or "memory" (the
# engine's own bm25s index, the only choice on SQLite).
COVERAGE_LEXICAL = env("COVERAGE_LEXICAL", "database")
# Outside corpora (claims/outside/). ClaimReview imports: the largest file the upload page takes, and
# publishers' rating labels mapped onto our scale beyond the built-in English ones, as JSON
# ({"Pants on Fire": "false", "Cherry picks": "missing-context", "Satire": null}).
CLAIMREVIEW_UPLOAD_MAX_BYTES = envint("CLAIMREVIEW_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
CLAIMREVIEW_RATING_LABELS = json.loads(env("CLAIMREVIEW_RATING_LABELS", "{}"))
if not isinstance(CLAIMREVIEW_RATING_LABELS, dict):
    raise ImproperlyConfigured("CLAIMREVIEW_RATING_LABELS must be a JSON object of label to rating slug.")
# Feeds: how often beat looks for feeds that are due (each feed has its own interval).
FEED_CHECK_SECONDS = envint("FEED_CHECK_SECONDS", 60)
# Outside search providers, asked for each claim's suggestions only when configured: Google Fact Check
# Tools with an API key, GDELT when switched on. Timeouts, a per-process rate limit and a cache apply.
# Never from the environment in the test suite: a developer's real key must not send tests to Google.
GOOGLE_FACTCHECK_API_KEY = "" if _TESTING else env("GOOGLE_FACTCHECK_API_KEY", "")
GOOGLE_FACTCHECK_URL = env(
    "GOOGLE_FACTCHECK_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
GDELT_ENABLED = False if _TESTING else envbool("GDELT_ENABLED", "false")
GDELT_URL = env("GDELT_URL", "https://api.gdeltproject.org/api/v2/doc/doc")
GDELT_TIMESPAN = env("GDELT_TIMESPAN", "1w")
OUTSIDE_TIMEOUT = envfloat("OUTSIDE_TIMEOUT", 10.0)
OUTSIDE_RATE_LIMIT_PER_MINUTE = envint("OUTSIDE_RATE_LIMIT_PER_MINUTE", 30)  # per provider and process
GOOGLE_FACTCHECK_RATE_LIMIT_PER_MINUTE = envint(
    "GOOGLE_FACTCHECK_RATE_LIMIT_PER_MINUTE", OUTSIDE_RATE_LIMIT_PER_MINUTE
)
GDELT_RATE_LIMIT_PER_MINUTE = envint("GDELT_RATE_LIMIT_PER_MINUTE", 12)  # GDELT asks for one request per 5 s
OUTSIDE_CACHE_TTL = envint("OUTSIDE_CACHE_TTL", 6 * 60 * 60)
OUTSIDE_MAX_RESULTS = envint("OUTSIDE_MAX_RESULTS", 10)
# Partner webhooks (claims/services/webhooks.py): each delivery is tried at once, then again after a random
# wait of up to WEBHOOK_RETRY_BASE_SECONDS × 2^(attempt − 1) (never more than WEBHOOK_RETRY_MAX_SECONDS)
# until WEBHOOK_RETRY_WINDOW_HOURS after the event, then given up; beat looks for retries that are due every
# WEBHOOK_CHECK_SECONDS. An endpoint is disabled after WEBHOOK_DISABLE_AFTER_FAILURES given-up deliveries in
# a row (or a whole window without a success). A rotated secret keeps signing for
# WEBHOOK_SECRET_OVERLAP_HOURS. Each POST waits WEBHOOK_TIMEOUT seconds at most.
WEBHOOK_RETRY_BASE_SECONDS = envfloat("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = envfloat("WEBHOOK_RETRY_MAX_SECONDS", 3600)
WEBHOOK_RETRY_WINDOW_HOURS = envfloat("WEBHOOK_RETRY_WINDOW_HOURS", 24)
WEBHOOK_CHECK_SECONDS = envint("WEBHOOK_CHECK_SECONDS", 30)
WEBHOOK_DISABLE_AFTER_FAILURES = envint("WEBHOOK_DISABLE_AFTER_FAILURES", 3)
WEBHOOK_SECRET_OVERLAP_HOURS = envfloat("WEBHOOK_SECRET_OVERLAP_HOURS", 24)
WEBHOOK_TIMEOUT = envfloat("WEBHOOK_TIMEOUT", 10)
# Check-worthiness models (claims/services/checkworthiness.py): where the weekly retraining writes models,
# the labelled files it trains on besides the reviewers' decisions, and how often it runs (0: never).
CHECKWORTHINESS_MODEL_ROOT = Path(
    env("CHECKWORTHINESS_MODEL_ROOT", str(BASE_DIR / "models" / "checkworthiness"))
)
CHECKWORTHINESS_TRAINING_FILES = envlist("CHECKWORTHINESS_TRAINING_FILES")
CHECKWORTHINESS_RETRAIN_DAYS = envfloat("CHECKWORTHINESS_RETRAIN_DAYS", 7)
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {
        "task": "claims.sweep_jobs",
        "schedule": JOB_SWEEP_SECONDS,
        # A sweep that could not run in time is replaced by the next one rather than piling up.
        "options": {"expires": JOB_SWEEP_SECONDS},
    },
    "poll-feeds": {
        "task": "claims.poll_due_feeds",
        "schedule": FEED_CHECK_SECONDS,
        "options": {"expires": FEED_CHECK_SECONDS},
    },
    "deliver-webhooks": {
        "task": "claims.deliver_due_webhooks",
        "schedule": WEBHOOK_CHECK_SECONDS,
        "options": {"expires": WEBHOOK_CHECK_SECONDS},
    },
}
if CHECKWORTHINESS_RETRAIN_DAYS > 0:
    CELERY_BEAT_SCHEDULE["retrain-checkworthiness"] = {
        "task": "claims.retrain_checkworthiness",
        "schedule": CHECKWORTHINESS_RETRAIN_DAYS * 86400,
        "options": {"expires": 3600},
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Who publishes the verdicts (ClaimReview's `author`, every report page) and where the public pages live:
# the address that ClaimReview, feeds and exports made outside a request (commands, jobs) link to.
ORGANISATION_NAME = env("ORGANISATION_NAME", "Factcheck Workbench")
ORGANISATION_URL = env("ORGANISATION_URL", "")
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Exports of more claims than this run as a background job, with a download link when done.
EXPORT_BACKGROUND_THRESHOLD = envint("EXPORT_BACKGROUND_THRESHOLD", 1000)
# A long PDF report is laid out in parts side by side, one per core (claims/exports/pdf.py): at most this
# many parts (0: one per core, up to 4; 1: never in parts).
PDF_RENDER_PARTS = envint("PDF_RENDER_PARTS", 0)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# The partner API (claims/api/): keys or the session, scopes, per-key rate limits, cursor pages, and every
# error as RFC 9457 problem+json.
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/minute")  # per key (per person for the browser's own calls)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.authentication.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.PerKeyThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.ApiCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["claims.api.renderers.OrjsonRenderer"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "claims.api.errors.problem_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck Workbench API",
    "DESCRIPTION": "Partner API: push articles, ask whether a claim has been checked, read published verdicts, "
    "and hear of them by webhook. Authenticate with `Authorization: Api-Key <key>`. Every error is "
    "`application/problem+json` (RFC 9457). See docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set wherever it appears (e.g. an endpoint's `events` and a delivery's `event`).
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.choices.ClaimKind",
        "ClaimStatusEnum": "claims.choices.ClaimStatus",
        "VerdictStatusEnum": "claims.choices.VerdictStatus",
        "WebhookEventEnum": "claims.choices.WebhookEvent",
        "WebhookDeliveryStatusEnum": "claims.choices.DeliveryStatus",
    },
}
# Rate limits and the providers' answers are kept here: Redis when REDIS_CACHE_URL (or the broker) is set,
# else this process's memory (`make run`).
REDIS_CACHE_URL = env("REDIS_CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CACHES = {
    "default": (
        {"BACKEND": "factcheck.cache.RedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        else {"BACKEND": "factcheck.cache.LocMemCache"}
    )
}

# Production hardening: on whenever DEBUG is off; each can still be tuned from the environment.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(not DEBUG))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Scripts only from our own files (the templates have no inline script); inline style attributes carry
# rating colours and the dashboard chart.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # These libraries log each step at INFO; their warnings are what matters.
    "loggers": {
        "trafilatura": {"level": "WARNING"},
        "htmldate": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
