"""Settings for workflowviz. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WORKFLOWVIZ_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# One switch for production: DJANGO_ENV=production (see README, "Running in production").
PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"DJANGO_ENV=production needs {name} in the environment.")
    return value


if PRODUCTION:
    DEBUG = False
    SECRET_KEY = _required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = _required("DJANGO_ALLOWED_HOSTS").split(",")
else:
    # Off unless asked for (DJANGO_DEBUG=1): Django's debug pages show settings, paths and every URL.
    DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
    # Development key only; never used when DJANGO_ENV=production.
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
    ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_FAILURE_VIEW = "workflowviz.errors.csrf_failure"  # JSON under /api/, a page of the site otherwise
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The coded services, one app each; each registers itself (label, colour, actions) in its AppConfig.
# Services declared in the browser join them at run time (workflowviz.modelled).
SERVICE_APPS = ["orders", "notifications", "sellers", "logistics", "rewards"]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_rq",
    "workflowviz.engine",
    "workflowviz.api",
    "workflowviz.web",
    "workflowviz.designer",
    "workflowviz.metrics",
    "workflowviz.compare",
    "workflowviz.modelled",
    "workflowviz.signin",
    *SERVICE_APPS,
    "workflowviz",  # last: its ready() wires the layers together (workflowviz/bootstrap.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response: no inline script, no eval (README "Roles and security").
    "workflowviz.web.csp.ContentSecurityPolicyMiddleware",
    # Serves /static/ under daphne too (our files and the npm ones, found through STATICFILES_DIRS).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "workflowviz.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "workflowviz.asgi.application"

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
                "workflowviz.web.context_processors.test_hooks",
                "workflowviz.web.context_processors.vocabulary",
                "workflowviz.web.context_processors.roles",
            ],
        },
    },
]

# SQLite by default. WAL lets readers run beside the one writer, IMMEDIATE takes the write lock at
# BEGIN (so a transaction never fails upgrading a read lock), and the timeout makes concurrent
# workers wait for the lock instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "timeout": 60,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}", conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if os.environ.get("WORKFLOWVIZ_SHORT_CONN") else 600
    # Tests run workers in other processes, so the test database must be a file they can open.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package-lock.json) and are served from node_modules, never committed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("npm/d3", NODE_MODULES / "d3" / "dist"),
    ("npm/cytoscape", NODE_MODULES / "cytoscape" / "dist"),
    ("npm/dagre", NODE_MODULES / "dagre" / "dist"),
    ("npm/cytoscape-dagre", NODE_MODULES / "cytoscape-dagre"),
    ("npm/cytoscape-edgehandles", NODE_MODULES / "cytoscape-edgehandles"),
]
# Only production collects static files; elsewhere WhiteNoise serves them from the finders (and would
# warn about a STATIC_ROOT that does not exist).
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
if PRODUCTION:
    # whitenoise serves the collected, compressed, hashed files (manage.py collectstatic).
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
# Outside production (no collectstatic), WhiteNoise serves what the static finders find; in DEBUG it
# re-reads changed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Emails are written as files under var/emails unless another backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "emails")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@workflowviz.local")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# One RQ queue per service, named after it (workflowviz.engine.queues). django-rq's pages show the
# coded services' queues; a declared service's queue is made when it is declared.
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60, "SERIALIZER": "rq.serializers.JSONSerializer"}
    for name in SERVICE_APPS
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 30},
    }
}

# The reconciler re-sends an unprocessed message whose job vanished from Redis after this many
# seconds, and one whose worker died mid-step after RECONCILE_STARTED_AFTER seconds.
RECONCILE_GRACE_SECONDS = float(os.environ.get("RECONCILE_GRACE_SECONDS", "3"))
RECONCILE_STARTED_AFTER = float(os.environ.get("RECONCILE_STARTED_AFTER", "20"))
RECONCILE_INTERVAL = float(os.environ.get("RECONCILE_INTERVAL", "1"))

# Retention (workflowviz/engine/retention.py): the reconciler deletes, once an hour, the finished runs
# started longer ago than this ("30m", "12h", "7d"; empty keeps everything), with their records, outbox
# messages and step states; RUN_RETENTION_KEEP_FAILED=1 keeps the failed and compensated ones.
RUN_RETENTION = os.environ.get("RUN_RETENTION", "").strip()
RUN_RETENTION_KEEP_FAILED = os.environ.get("RUN_RETENTION_KEEP_FAILED", "").strip().lower() in ("1", "true", "yes")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"traceback_only_for_5xx": {"()": "workflowviz.logs.TracebackOnlyFor5xx"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "refusals": {"class": "logging.StreamHandler", "filters": ["traceback_only_for_5xx"]},
    },
    "loggers": {
        "workflowviz": {"handlers": ["console"], "level": os.environ.get("WORKFLOWVIZ_LOG_LEVEL", "INFO")},
        # Django's defaults print these only in DEBUG (a 500 would go unseen otherwise) and give an
        # expected refusal (403, a spoofed Host, a body too large) a whole traceback: one line is enough.
        "django.request": {"handlers": ["refusals"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["refusals"], "level": "WARNING", "propagate": False},
    },
}

# Login throttling (workflowviz/signin/throttle.py): after this many failed password sign-ins for one
# account, or from one address, within the window, further attempts are refused until the oldest age out.
LOGIN_FAILURES_PER_USER = int(os.environ.get("WORKFLOWVIZ_LOGIN_FAILURES_PER_USER", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("WORKFLOWVIZ_LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("WORKFLOWVIZ_LOGIN_FAILURE_WINDOW_SECONDS", "900"))
