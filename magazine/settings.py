"""
Open Magazine settings, driven by environment variables: Django's and the libraries'
here, our own (MAGAZINE_*) in `magazine/own_settings.py`.

Development defaults are safe to run as they are (SQLite, local-memory cache,
console email). Production sets DJANGO_DEBUG=false and the variables listed in
the README; `manage.py check --deploy` is then clean.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from magazine.env import BASE_DIR, DEBUG, env_bool, env_list
from magazine.own_settings import *  # noqa: F403  (every MAGAZINE_* setting)

# The development key is public on purpose; production refuses to start without its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "magazine.apps.MagazineAdminConfig",
    "magazine.apps.MagazineConfig",  # what the whole site shares: magazine/sqlite.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text search fields; inert on SQLite
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    # Before django_tasks_db: its `db_worker` command records the worker's heartbeat.
    "magazine.monitoring",
    "django_tasks_db",
    # Two-factor sign-in for staff: authenticator apps (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reversion",  # article revisions (articles/revisions.py)
    "articles",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, answered before anything else: a load balancer
    # probing by address needs no allowed host and no HTTPS (magazine/monitoring/).
    "magazine.monitoring.middleware.OperationsMiddleware",
    # Counts and times every other request, page cache hits included.
    "magazine.monitoring.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After SecurityMiddleware, as hstspreload.org requires: plain HTTP goes to HTTPS on the
    # same host first, and the move to the canonical host carries the HSTS header. Before
    # the page cache, so that it keeps the canonical host's pages only.
    "magazine.middleware.CanonicalHostMiddleware",
    # HTML a seventh of its size on the wire, padded against BREACH, at zlib's fastest
    # level (static files come precompressed from WhiteNoise).
    "magazine.middleware.GZipMiddleware",
    "magazine.middleware.SecurityHeadersMiddleware",
    # Outside the page cache, so that cached pages carry every security header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "magazine.csrf.FetchMetadataCsrfMiddleware",
    "articles.edge.EdgeCacheTagsMiddleware",  # names what a page shows, for Varnish's bans
    # Outside what a cookie-less reader never needs (accounts, messages, the reader
    # token), and outside their cookies, so a response that sets one is never kept.
    "articles.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether this session passed the second sign-in step (`user.is_verified()`).
    "django_otp.middleware.OTPMiddleware",
    "articles.two_factor.UnverifiedStaffAreGuestsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.readers.ReaderTokenMiddleware",
    "articles.redirects.ArticleRedirectMiddleware",
]
# Django's deploy check looks for its CsrfViewMiddleware by name; magazine.csrf's
# subclass above is that middleware, deciding by fetch metadata first.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "magazine.urls"
WSGI_APPLICATION = "magazine.wsgi.application"

# The public pages are Jinja2 templates (jinja2/, see magazine/jinja2.py); the admin,
# the mails and the form widgets stay on Django's templates (templates/).
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "articles.context_processors.site",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "magazine.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let readers and a writer share the file under load.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "magazine.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "magazine"),
        }
    }
    # Sessions read from Redis, written through to the database: no server owns them.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif DEBUG:
    # runserver is one process: its memory is the whole cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    # gunicorn's workers are separate processes: a change one of them makes must
    # invalidate the pages and fragments all of them keep, and rate limits must count
    # every worker's requests. Files are shared on one machine; several need Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Markup named by what it shows (articles/fragments.py, the page cache's pages, checked
# against versions in the shared cache) is kept in each process's memory: never stale,
# and without a round trip. A bound on entries bounds each worker's memory.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kept-markup",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # Uploads on local disk; on S3-compatible storage when a bucket is named (this needs
    # `pip install "open-magazine[s3]"` and the AWS_* variables django-storages reads).
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage"}
        if os.environ.get("AWS_STORAGE_BUCKET_NAME")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Mail: printed to the console in development; SMTP in production (MAIL_BACKEND).
MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console" if DEBUG else "smtp")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # A slow mail server must never hold a worker for long.
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
        if MAIL_BACKEND == "smtp"
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Open Magazine <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (sending mail): in development ("immediate") run at once, after the
# response, on a thread of the same process; in production stored in the database
# ("database") and run by `manage.py db_worker`.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "articles.task_backends.BackgroundThreadBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

LOGIN_URL = "admin:login"
# Staff sign in with a password, then a code from an authenticator app (or a recovery
# code): editors and superusers always, writers once they enrol or when this is on.
MAGAZINE_2FA_REQUIRED_FOR_WRITERS = env_bool("MAGAZINE_2FA_REQUIRED_FOR_WRITERS", False)
OTP_TOTP_ISSUER = "Open Magazine"
# Superusers manage devices in the admin (remove a lost one) without seeing their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Where a sign-in goes when its `next` is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

# Security: strict by default, HTTPS-only settings switched on with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
MAGAZINE_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused comment is shown again with the reader's text (articles/views/pages.py).
CSRF_FAILURE_VIEW = "articles.views.pages.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    # The nonce appears only on pages that use it (the admin's import map); public
    # pages never render one, so a cached public page never replays a nonce.
    "script-src": [CSP.SELF, CSP.NONCE],
    # The hash admits exactly the base stylesheet the admin's rich text editor injects.
    "style-src": [CSP.SELF, CSP.NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Server errors reach someone: Sentry (or GlitchTip) when SENTRY_DSN is set, otherwise a
# throttled mail to each of ADMINS through the outbox (magazine/monitoring/errors.py).
ADMINS = env_list("DJANGO_ADMINS")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from magazine.monitoring.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        local_variables=env_bool("SENTRY_LOCAL_VARIABLES", False),
    )
# One mail per distinct error per this many minutes, and at most this many an hour.
MAGAZINE_ERROR_MAIL_MINUTES = int(os.environ.get("MAGAZINE_ERROR_MAIL_MINUTES", "15"))
MAGAZINE_ERROR_MAILS_PER_HOUR = int(os.environ.get("MAGAZINE_ERROR_MAILS_PER_HOUR", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The development server logs each request line: a preview link's token is cut short.
    "filters": {"shorten_tokens": {"()": "magazine.monitoring.log_filters.ShortenTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "admins_outbox": {"()": "magazine.monitoring.errors.OutboxAdminEmailHandler"},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's default for `runserver`, with the filter.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["shorten_tokens"],
        },
        # Django's own mail_admins handler would send inside the failing request, with
        # its cookies: replaced by the outbox's (none while Sentry reports errors).
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"handlers": [] if SENTRY_DSN else ["admins_outbox"], "level": "INFO"},
    },
}

# Tags (migration 0018): "MINSK" and "minsk" are one tag.
TAGGIT_CASE_INSENSITIVE = True

# The body editor's own buttons (static/js/body-media.js): a library image, a pull quote
# and an embed. What each may store, before articles/richtext.py sanitizes it again.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/body-media.js")],
        "extensions": {
            "LibraryImage": html_tags([]),
            "PullQuote": html_tags(["blockquote"], {"blockquote": ["class"]}),
            "Embed": html_tags(["p", "a"], {"p": ["class"], "a": ["href"]}),
        },
    }
]
