"""Settings come from the environment.

With nothing set, Balans runs embedded: SQLite in ``var/`` and the in-memory channel layer, one
process. Set ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` for the production shape with several
workers. docs/operations.md lists every variable.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("BALANS_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def secret_key():
    """The key signs participant cookies, so it must survive restarts: keep one on disk."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "facilitation.workshops",
    "facilitation.deliberation",
    "facilitation.questions",
    "facilitation.recap",
    "facilitation.fieldnotes",
    "facilitation.recording",
    "facilitation.reports",
    "facilitation.screens",
    "facilitation.live",
    "facilitation.research",
]

MIDDLEWARE = [
    # Before anything reads the client's address or scheme: forwarded headers only from proxies.
    "facilitation.proxies.trusted_proxy_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Lookups of unknown join codes are limited per address (joins of a valid one are not).
    "facilitation.screens.code_guessing.JoinCodeGuessingMiddleware",
    # Turns a rate-limit refusal into RATELIMIT_VIEW's "429 Too many attempts" page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Turns a login refused by django-axes into the login page with the lockout message.
    "axes.middleware.AxesMiddleware",
    # Turns a database that cannot serve in time into "busy, try again" (503), never a 500.
    "facilitation.screens.overload.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "facilitation.urls"
ASGI_APPLICATION = "facilitation.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Partials are built in from Django 6 on; until then, load them everywhere.
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# A request waits for the database rather than fail, but not without end: on PostgreSQL for a
# connection of the pool, on SQLite for the write lock, each at most DATABASE_TIMEOUT seconds. A
# wait that runs out, or a database that cannot be reached, is answered "busy, try again" (503),
# which phones retry by themselves (screens.overload). docs/operations.md explains each variable.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'balans.sqlite3'}", conn_max_age=0, conn_health_checks=True
    )
}
DATABASE_ENGINE = DATABASES["default"]["ENGINE"]
DATABASE_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASE_ENGINE == "django.db.backends.sqlite3":
    # SQLite lives on this machine: it is never unreachable, only busy. A burst of a whole room's
    # votes queues for its one writer, so a vote waits long rather than be refused.
    DATABASE_TIMEOUT = float(os.environ.get("DATABASE_TIMEOUT", "60"))
    # WAL (readers never wait for the writer), FULL sync (an acknowledged vote survives even a
    # power cut), immediate transactions (a writer takes the lock at BEGIN, so two writers never
    # deadlock upgrading a read lock, and a busy one waits up to the timeout).
    DATABASE_OPTIONS.update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        transaction_mode="IMMEDIATE",
        timeout=DATABASE_TIMEOUT,
    )
elif DATABASE_ENGINE == "django.db.backends.postgresql":
    # A lost database must be noticed within seconds, not after the operating system's minutes.
    # The wait for a pooled connection is also how long a request waits when PostgreSQL cannot be
    # reached at all, so it is short: a phone told "try again" sends its answer again by itself.
    DATABASE_TIMEOUT = float(os.environ.get("DATABASE_TIMEOUT", "5"))
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
    DATABASE_OPTIONS.update(
        # libpq's own limit for opening a connection (whole seconds, at least 2).
        connect_timeout=max(DATABASE_CONNECT_TIMEOUT, 2),
        # A connection whose packets go unanswered (a cut cable, a vanished host) is closed by the
        # kernel after this many milliseconds; keepalives find one that is merely silent.
        tcp_user_timeout=10_000,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
    )
    if DATABASE_STATEMENT_TIMEOUT > 0:
        # PostgreSQL ends a statement that runs (or waits for a lock) longer than this, so a stuck
        # query holds neither a pooled connection nor its locks for ever. 0: no limit (pgbouncer
        # in transaction mode refuses this startup option: set it on the role there instead).
        statement_timeout = f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)}"
        DATABASE_OPTIONS["options"] = " ".join(
            filter(None, [DATABASE_OPTIONS.get("options"), statement_timeout])
        )
    # Django's ASGI handler runs each request in a thread of its own; without a pool, a burst of
    # votes opens a connection per request and exceeds PostgreSQL's max_connections. The pool
    # caps this worker's connections (keep workers x DATABASE_POOL_MAX below max_connections);
    # further requests queue for a free connection. Pooling needs conn_max_age=0 (above).
    DATABASE_OPTIONS["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "20")),
        "timeout": DATABASE_TIMEOUT,
        # A lost connection is reopened after 1, 2, 4... seconds; giving up after this long lets
        # the next request start afresh, so a database back after a long outage is in use again
        # within seconds rather than after a back-off grown as long as the outage.
        "reconnect_timeout": max(DATABASE_TIMEOUT, 10.0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# At most this many HTTP requests run at once in a worker; the rest wait in the event loop, in the
# order they came, not in a thread each (facilitation.admission). Python runs one thread at a time,
# so many places only add switching; but the votes let in together are written together (group
# commit), so a few more places mean larger groups: in the bench (bench/README.md) a hall's burst
# was served faster with 16 places than with 4 (before group commit, 4 beat 20). The pool keeps
# connections beyond these for the live side (sockets, pushes). A request that waits longer than
# REQUEST_QUEUE_TIMEOUT seconds, or finds REQUEST_QUEUE_LIMIT waiting, is answered "busy, try
# again" (503), which phones retry by themselves.
REQUESTS_IN_FLIGHT = int(os.environ.get("REQUESTS_IN_FLIGHT", "16"))
REQUEST_QUEUE_TIMEOUT = float(os.environ.get("REQUEST_QUEUE_TIMEOUT", "30"))
REQUEST_QUEUE_LIMIT = int(os.environ.get("REQUEST_QUEUE_LIMIT", "10000"))
# While a burst of answers lasts, the next group's first answer waits at most this many
# milliseconds for the others on their way, up to one per place above: a group costs the same few
# statements and a commit whatever its size (facilitation.group_commit). 0: no waiting.
ANSWER_GROUP_LINGER_MS = float(os.environ.get("ANSWER_GROUP_LINGER_MS", "10"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# One pooled connection per concurrent layer operation; a burst of connects must wait, not fail.
# The hub subscribes once per round, so the operations that overlap are the pushes after commit
# (one per write in flight) and the rate-limit cache: 1,000 per worker is ample; keep
# workers x this below Redis's maxclients (10,000).
REDIS_MAX_CONNECTIONS = int(os.environ.get("REDIS_MAX_CONNECTIONS", "1000"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": REDIS_MAX_CONNECTIONS}],
                "prefix": os.environ.get("REDIS_PREFIX", "balans"),
                # Each worker's hub has one channel and one subscription per live round (not one
                # per socket), and pushes are paced, so a channel holds a handful of messages:
                # 1,000 leaves room for a burst of rounds while the hub renders, and a full
                # channel drops only a "something changed" (screens refresh on the next one).
                "capacity": 1000,
                # Seconds an unread message lives: older than that, the state it announces has
                # been pushed again since (the slowest pace is 1 s).
                "expiry": 30,
                # A worker that died without leaving its rounds' groups is forgotten after an
                # hour; a live one renews its subscriptions every half hour (push.GROUP_RENEWAL).
                "group_expiry": 3600,
            },
        }
    }
    # The cache holds only rate-limit and login-failure counters. If Redis is away, writes must
    # still commit: ignore its errors (limits pause) rather than fail the request.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "balans"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-axes watches every login form (the console's, the admin's) before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock that name *from that address* for 15 minutes: a guesser elsewhere
# cannot lock a facilitator out, and a venue's shared address is not locked for everyone. A
# browser where the facilitator logged in before is let through (screens.devices).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "facilitation.proxies.request_address"
AXES_WHITELIST_CALLABLE = "facilitation.screens.devices.is_known_device"
AXES_LOCKOUT_CALLABLE = "facilitation.screens.devices.locked_out"
# The lockout page tells people what to do; the access log of every login is not needed.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console-home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "facilitation" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("BALANS_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files (the recordings' audio) go through the default storage: this folder unless
# STORAGES names another backend (an S3-compatible bucket, say).
MEDIA_ROOT = Path(os.environ.get("BALANS_MEDIA_ROOT", DATA_DIR / "media"))
# The most audio one recording may hold (bytes); 500 MB is some ten hours of speech in Opus.
RECORDING_MAX_BYTES = int(os.environ.get("RECORDING_MAX_BYTES", 500 * 1024 * 1024))
# The most audio all recordings together may hold (bytes), so that they cannot fill the disk.
RECORDING_TOTAL_MAX_BYTES = int(os.environ.get("RECORDING_TOTAL_MAX_BYTES", 20 * 1024**3))

# Production (BALANS_ENV=production: the image and compose.yaml) is HTTPS-only unless told
# otherwise; the embedded default (`make run`, plain http on a meeting-room network) is not.
PRODUCTION = os.environ.get("BALANS_ENV", "embedded").strip().lower() == "production"
HTTPS_ONLY = PRODUCTION and not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS_ONLY)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_ONLY)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 * HTTPS_ONLY))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    # Preloading is the operator's own decision for their whole domain (anyone may submit a domain
    # that sends "preload"), so it is off and its reminder silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Addresses (networks) of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
# believed (facilitation/proxies.py); none by default, so a client cannot choose its address.
TRUSTED_PROXIES = [str(ipaddress.ip_network(p, strict=False)) for p in env_list("TRUSTED_PROXIES")]
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

RATELIMIT_VIEW = "facilitation.screens.views.base.rate_limited"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # Failed logins and lockouts are warnings; every check of a login is not news.
        "axes": {"level": "WARNING"},
    },
}

# Where phones reach this server, for the QR code (e.g. https://balans.example.org); if unset, the
# address the projector was opened with.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
CSRF_FAILURE_VIEW = "facilitation.screens.errors.csrf_failure"
