"""Simpul settings: one module, every value that differs between machines read from the environment.

Development and tests run with DEBUG=1 (the Makefile sets it); anything else is production and
refuses to start without a real SECRET_KEY.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = Path(__file__).resolve().parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it in the environment."
        )
    SECRET_KEY = "simpul-development-only-key-never-use-in-production"  # noqa: S105

# ---------------------------------------------------------------------------------------------
# The regency
# ---------------------------------------------------------------------------------------------
SIMPUL_BASE_DOMAIN = env.str("SIMPUL_BASE_DOMAIN", default="localhost").lower()
SIMPUL_REGENCY_NAME = env.str("SIMPUL_REGENCY_NAME", default="Kabupaten Simpul")
# The port the public sees (links in mails and the admin); empty for 80/443 behind a proxy.
SIMPUL_PUBLIC_PORT = env.str("SIMPUL_PUBLIC_PORT", default=env.str("PORT", default=""))
SIMPUL_PUBLIC_SCHEME = env.str("SIMPUL_PUBLIC_SCHEME", default="http" if DEBUG else "https")
# Schema that new instansi are cloned from; `migrate_schemas` keeps it migrated (it is an
# Instansi row marked as template, never served).
SIMPUL_TEMPLATE_SCHEMA = "simpul_template"
# Provisioning and demo steps and the admin home's panels are registered in code by each app
# (core.steps, from its AppConfig.ready()), so a missing or renamed one stops the start-up.
SIMPUL_REFERRAL_SLA_HOURS = env.int("SIMPUL_REFERRAL_SLA_HOURS", default=24)
# Spare instansi schemas cloned ahead (tenants.pool): a new instansi takes one by a rename.
SIMPUL_SPARE_SCHEMAS = env.int("SIMPUL_SPARE_SCHEMAS", default=2)
# /healthz gives its detailed answer to loopback probes and to callers sending this value in
# X-Health-Token; everyone else gets only the (cached) status. Empty: loopback only.
SIMPUL_HEALTH_TOKEN = env.str("SIMPUL_HEALTH_TOKEN", default="")

ALLOWED_HOSTS = [
    SIMPUL_BASE_DOMAIN,
    f".{SIMPUL_BASE_DOMAIN}",
    *env.list("ALLOWED_HOSTS", default=[]),
]
if DEBUG:
    ALLOWED_HOSTS += ["testserver", "127.0.0.1", ".testserver"]

# ---------------------------------------------------------------------------------------------
# Applications: SHARED_APPS live in the public schema, TENANT_APPS in every instansi's schema.
# ---------------------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "core",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served from /static/, not a CDN (CSP)
    "cms.portal",
    "inbox",
    "evaluation",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tenants.access",
    "tenants.registry",
    "cms",
    "sop",
    "inbox.pages",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Instansi"
# The audit trail's model, named for the kernel (core) the way AUTH_USER_MODEL is.
SIMPUL_AUDIT_MODEL = "tenants.AuditEntry"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = SIMPUL_TEMPLATE_SCHEMA
# migrate_schemas hands django-tenants only the schemas missing a migration (tenants/migration.py).
GET_EXECUTOR_FUNCTION = "tenants.migration.executor"
PUBLIC_SCHEMA_URLCONF = "simpul.urls_public"
ROOT_URLCONF = "simpul.urls_tenant"
DEFAULT_NOT_FOUND_TENANT_VIEW = "simpul.views.unknown_host"

MIDDLEWARE = [
    # First: a database outage anywhere below (the host lookup included) is a clean 503.
    "simpul.middleware.DatabaseUnavailableMiddleware",
    "tenants.middleware.InstansiMiddleware",
    # Anonymous public reads may go to the replica (a no-op without DATABASE_REPLICA_URL).
    "tenants.replica.ReplicaReadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "simpul.middleware.ContentSecurityPolicyMiddleware",
    # Before sessions and views: a NUL in an API query string is a 400, never a database error.
    "simpul.middleware.NullCharacterGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "simpul.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tenants.access.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simpul.middleware.TenantRedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "simpul.context_processors.regency",
            ],
        },
    },
]

WSGI_APPLICATION = "simpul.wsgi.application"

# ---------------------------------------------------------------------------------------------
# Database, cache, broker
# ---------------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/simpul"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Persistent connections: a new connection per request costs ~2/3 of a page's throughput.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
if env.str("SIMPUL_TEST_DB", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("SIMPUL_TEST_DB")}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# A streaming replica for anonymous public reads (tenants.replica); unset: all on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "ENGINE": "django_tenants.postgresql_backend",
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS += ("tenants.replica.ReplicaRouter",)
# Seconds an unreachable replica is skipped (its reads go to the primary) before a new try.
SIMPUL_REPLICA_RETRY_SECONDS = env.int("SIMPUL_REPLICA_RETRY_SECONDS", default=30)
# Send `SET search_path` only when the schema changes, not before every query (about half of a
# page's database round trips otherwise).
TENANT_LIMIT_SET_CALLS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _redis_cache(timeout: int) -> dict:
    # Every alias is keyed by schema (django-tenants make_key): Wagtail caches site root paths
    # and renditions without a tenant of its own. Redis trouble degrades to a cache miss.
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": timeout,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env.str("SIMPUL_CACHE_PREFIX", default="simpul"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


CACHES = {
    "default": _redis_cache(300),
    "renditions": _redis_cache(3600),
    # Regency-wide values only (a client's rate-limit counts on every host): the one alias whose
    # keys carry no schema. Nothing of an instansi's may be cached here.
    "regency": {
        **_redis_cache(300),
        "KEY_FUNCTION": "django.core.cache.backends.base.default_key_func",
        "REVERSE_KEY_FUNCTION": None,
        "KEY_PREFIX": f"{env.str('SIMPUL_CACHE_PREFIX', default='simpul')}:regency",
    },
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Per-process tenant memo (cms.caching.memo.tenant_memo): its memory budget (the bound that counts; its entry count is a backstop).
SIMPUL_MEMO_MAX_BYTES = env.int("SIMPUL_MEMO_MAX_BYTES", default=64 * 1024 * 1024)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
# A citizen's request must not hang on a broker that is down: fail fast, the sweeper re-sends.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# visibility_timeout: a task taken by a worker that died (acks_late) goes back to the queue
# after this many seconds; tasks are idempotent, so an early return only costs a no-op.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 1,
    # A hung Redis (accepts connections, never answers) held a request forever without it.
    "socket_timeout": 3,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY = False
# The result backend (Redis too) retries 20 times a second apart by default: a request queueing
# a task while Redis is down hung ~19 s (tests/faults). Fail at once; the sweeper re-sends.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 3
# Entries that span tenants fan out one task per instansi (core.fanout), spread over part of
# their period; the referral clock, the outbox sweep and the Idempotency-Key clean-up are one
# public-schema query each.
CELERY_BEAT_SCHEDULE: dict = {
    "tenants-check-template": {
        "task": "tenants.tasks.check_template_schema",
        "schedule": 3600.0,
    },
    # Spare schemas for fast provisioning (tenants.pool): a hand-out queues a refill itself.
    "tenants-refill-spare-schemas": {
        "task": "tenants.tasks.refill_spare_schemas",
        "schedule": 300.0,
    },
    "inbox-referral-clock": {"task": "inbox.tasks.referral_clock", "schedule": 60.0},
    # The API's stored Idempotency-Key answers, forgotten after a week.
    "inbox-delete-expired-idempotency-keys": {
        "task": "inbox.tasks.delete_expired_idempotency_keys",
        "schedule": 3600.0,
    },
    # The one outbox of every app's mail: re-sends what the queue lost or the mail server refused.
    "core-sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": 120.0},
    "evaluation-refresh-snapshots": {
        "task": "evaluation.tasks.refresh_all_snapshots",
        "schedule": 3600.0,
    },
    # The console's snapshots follow their sources within a minute: only changed instansi.
    "evaluation-refresh-changed-snapshots": {
        "task": "evaluation.tasks.refresh_changed_snapshots",
        "schedule": 60.0,
    },
    "evaluation-deadline-reminders": {
        "task": "evaluation.tasks.send_deadline_reminders",
        "schedule": 86400.0,
    },
    "evaluation-sweep-jobs": {"task": "evaluation.tasks.sweep_console_jobs", "schedule": 60.0},
    "registry-reminders": {
        "task": "tenants.registry.tasks.registry_reminders_all",
        "schedule": 86400.0,
    },
    # SOP steps at 80 % / 100 % of their standard (5-minute steps need a minute's resolution).
    "sop-sweep-deadlines": {"task": "sop.tasks.sweep_deadlines", "schedule": 60.0},
    # Catches up portal news entries whose on-commit update was lost.
    "cms-portal-reconcile": {"task": "cms.tasks.portal_reconcile_all", "schedule": 900.0},
    "cms-page-cache-reconcile": {"task": "cms.tasks.page_cache_reconcile_all", "schedule": 60.0},
    # Sign-in budgets whose window ended, addresses unused for 90 days, long-expired codes.
    "access-prune-sign-in-rows": {
        "task": "tenants.access.tasks.prune_sign_in_rows_all",
        "schedule": 86400.0,
    },
}

# ---------------------------------------------------------------------------------------------
# Language, time
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("id", "Bahasa Indonesia")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("SIMPUL_TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static and media: static shared, media per schema
# ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
# The project's own static files (the public pages' stylesheet); `simpul` is not an app.
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it to exist

# ---------------------------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = SIMPUL_REGENCY_NAME
# Global by Wagtail's design; the project overrides admin links per tenant (simpul.hooks).
WAGTAILADMIN_BASE_URL = f"{SIMPUL_PUBLIC_SCHEME}://{SIMPUL_BASE_DOMAIN}"
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]
# Uploaded documents are checked by content as well as by extension (cms.documents).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.documents.DocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Behind the deploy stack's nginx, a document leaves through X-Accel-Redirect once Wagtail's
# serve view has checked its privacy (simpul.sendfile_nginx); no worker streams it.
if env.bool("SIMPUL_DOCUMENTS_X_ACCEL", default=False):
    SENDFILE_BACKEND = "simpul.sendfile_nginx"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILFRONTENDCACHE: dict = {}
# Avatars are never fetched from Gravatar (the admin CSP allows only its own images, and staff
# addresses stay on the server): Wagtail shows its local default avatar or an uploaded one.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.InstansiTokenAuthentication",
        # a session that still owes its second factor authenticates nothing (tenants.access)
        "tenants.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.exceptions.exception_handler",
    # limit/offset with a ceiling on `limit` (tenants.api.pagination.MAX_LIMIT)
    "DEFAULT_PAGINATION_CLASS": "tenants.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("SIMPUL_THROTTLE_ANON", default="120/min"),
        "verify": env.str("SIMPUL_THROTTLE_VERIFY", default="60/min"),
        "inquiry": env.str("SIMPUL_THROTTLE_INQUIRY", default="20/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # How many proxies in front of the app set X-Forwarded-For (nginx in the deploy stack: 1).
    # 0 trusts only the socket's address, so a client cannot pick its own identity for the
    # rate limits by sending the header itself. inbox.ratelimit uses the same rule.
    "NUM_PROXIES": env.int("SIMPUL_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": "API Simpul untuk instansi: kotak masuk bersama, registri akun resmi, SOP.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["simpul.openapi.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "simpul.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "InquiryKindEnum": "inbox.models.Inquiry.Kind",
        "InquiryStatusEnum": "inbox.models.Inquiry.Status",
        "InquiryChannelEnum": "inbox.models.Inquiry.Channel",
        "ReferralStatusEnum": "inbox.models.Referral.Status",
        "InquiryEventActionEnum": "inbox.models.InquiryEvent.Action",
        "SopKindEnum": "sop.models.Sop.Kind",
        "SopStatusEnum": "sop.models.Sop.Status",
    },
}

# ---------------------------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------------------------
# Argon2id first, at OWASP's parameters (core.passwords): memory-hard, 0.03 s a hash here
# against PBKDF2's 0.3-0.7 s, which was most of a new instansi's hand-out from the spare pool
# (benchmarks/RESULTS.md). Hashes made before (PBKDF2) still verify and are re-hashed with
# Argon2id at the user's next sign-in.
PASSWORD_HASHERS = [
    "core.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "tenants.access.forms.SimpulLoginForm"
# Wrong passwords in a row before a username is locked on that instansi's host, and for how long.
SIMPUL_LOGIN_MAX_FAILURES = env.int("SIMPUL_LOGIN_MAX_FAILURES", default=5)
SIMPUL_LOGIN_LOCK_MINUTES = env.int("SIMPUL_LOGIN_LOCK_MINUTES", default=15)
# Host-only cookies: a session of one instansi is never sent to another's subdomain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "simpul.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy for public pages: no inline script anywhere; the admin (Wagtail)
# needs inline styles, so it gets a looser policy (simpul.middleware).
SIMPUL_CSP_PUBLIC = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SIMPUL_CSP_ADMIN = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; frame-src 'self' https:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'self'"
)

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"simpul@{SIMPUL_BASE_DOMAIN}")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# A hung mail server must not hold a worker forever: the send fails and the task retries.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "simpul": {"level": "INFO"},
        "django_redis": {"level": "ERROR"},
    },
}
