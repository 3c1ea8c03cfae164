"""Embedded defaults: SQLite under ``var/``, sandbox providers, one machine.

Everything can be overridden from the environment (see ``docs/configuration.md``).
``production.py`` builds on this module and refuses the unsafe defaults.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, local_secret
from .objectstore import private_storage

SRC_DIR = Path(__file__).resolve().parent.parent  # src/zhengwu
BASE_DIR = SRC_DIR.parent.parent  # repository root
VAR_DIR = Path(env_str("ZHENGWU_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or local_secret(VAR_DIR / "secret_key", 48)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Sandbox providers (SMS outbox, face-check "phone", captcha PASSED). A deploy check
# (zhengwu.W001/E001) refuses them in production.
ZHENGWU_SANDBOX = env_bool("ZHENGWU_SANDBOX", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # zhengwu.core before django_tasks_db: its ``db_worker`` (the library's worker and the
    # outbox relays, decision 0034) takes the command's name.
    "zhengwu.core",
    "django_tasks_db",
    "zhengwu.audit",
    "zhengwu.accounts",
    "zhengwu.registrations",
    "zhengwu.integrations",
    "zhengwu.notifications",
    "zhengwu.registry",
    "zhengwu.workdays",
    "zhengwu.uploads",
    "zhengwu.portal",
    "captcha",  # after portal: portal/templates/captcha/ overrides its widget (alt, audio)
    "zhengwu.reviews",
    "zhengwu.signin",
    "zhengwu.orgcentre",
    "zhengwu.federation",
    "zhengwu.enterprise",
    "zhengwu.licences",
    "zhengwu.campaigns",
    "zhengwu.archive",
    "zhengwu.agency",
    "zhengwu.onlineservices",
    "zhengwu.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP (Django's own, SECURE_CSP below) and Permissions-Policy on every response.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "zhengwu.portal.middleware.PermissionsPolicyMiddleware",
    "zhengwu.api.middleware.ApiErrorContractMiddleware",
    "zhengwu.core.middleware.RequestIdMiddleware",
    "zhengwu.core.dbfaults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengwu.portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhengwu.signin.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Content-Security-Policy (UI-2, issue 11): everything from the portal itself, no inline
# script or style anywhere (templates keep them in static files; htmx runs without eval and
# without its injected indicator style), no framing, no plugins. Pages that need more set
# their own header (uploads set a stricter one).
_CSP_FORM_ACTION: list[str] = [CSP.SELF]
if env_str("ZHENGWU_FEDERATION_OIDC_ISSUER"):
    # The national-account sign-in posts, then redirects the browser to the issuer.
    _CSP_FORM_ACTION.append(env_str("ZHENGWU_FEDERATION_OIDC_ISSUER"))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": _CSP_FORM_ACTION,
}
# Permissions-Policy: browser features switched off for the portal (feature -> allow-list).
ZHENGWU_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

ROOT_URLCONF = "zhengwu.urls"
WSGI_APPLICATION = "zhengwu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zhengwu.portal.context_processors.portal",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhengwu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections: without them throughput drops ~10x (BASELINES.md).
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600

# The statements of hot paths compiled once (``core.sqlcache``) are also prepared on the
# server (PostgreSQL): parsed and planned once per connection. Turn off behind a pooler in
# transaction mode (PgBouncer < 1.21 without max_prepared_statements).
ZHENGWU_DB_PREPARED_STATEMENTS = env_bool("ZHENGWU_DB_PREPARED_STATEMENTS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Private files: VAR_DIR/private, or the S3-compatible store of ZHENGWU_S3_BUCKET
    # (zhengwu.settings.objectstore; always sealed by the portal before they are written).
    "default": private_storage(VAR_DIR),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHE_URL = env_str("REDIS_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "zhengwu.core.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # 等保 2.0: idle timeout
SESSION_SAVE_EVERY_REQUEST = False

# Registration (SPEC §1).
LOGIN_URL = "signin:login"
LOGIN_REDIRECT_URL = "signin:landing"  # by kind of account (signin.views.landing)
ZHENGWU_REG_DRAFT_TTL_SECONDS = env_int("ZHENGWU_REG_DRAFT_TTL_SECONDS", 30 * 60)
# REG-8: rejections of one operator by one organisation in one day before applying is blocked.
ZHENGWU_REG_MAX_REJECTIONS_PER_DAY = env_int("ZHENGWU_REG_MAX_REJECTIONS_PER_DAY", 3)
ZHENGWU_MANUAL_REVIEW_RULE = env_str("ZHENGWU_MANUAL_REVIEW_RULE", "working_day_1")
# REG-10: review deadline of agent registrations (working_day_1 or working_hours_48, CAL-1).
ZHENGWU_AGENT_REVIEW_RULE = env_str("ZHENGWU_AGENT_REVIEW_RULE", "working_day_1")
# REG-11: deadline of a natural person's manual review, in working hours (CAL-1).
ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS = env_int("ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS", 48)
# ACC-5: how long the SMS link to set the password of an account opened in 组织中心 works.
ZHENGWU_ORG_ACTIVATION_HOURS = env_int("ZHENGWU_ORG_ACTIVATION_HOURS", 72)

# django.tasks with the database backend (django-tasks-db; zhengwu.core.tasks writes its row
# with a statement built once): `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("ZHENGWU_TASK_BACKEND", "zhengwu.core.tasks.DatabaseBackend"),
    }
}
# Run by every ``manage.py db_worker`` beside its task rows: the outboxes whose rows are their
# own queue (decision 0034). Each takes ``owner=`` (the worker id), returns how many it handled.
ZHENGWU_WORKER_RELAYS = ["zhengwu.notifications.services.outbox.sms_relay"]

# --- personal-data protection (ACC-7) ---------------------------------------------
# ZHENGWU_FIELD_KEYS: "kid:base64key[,kid:base64key...]"; the first is used to encrypt,
# all are tried to decrypt (key rotation). ZHENGWU_HASH_KEY: key of the keyed hash
# (HMAC-SHA256) used for exact-match search ("blind index").
ZHENGWU_FIELD_KEYS = env_str("ZHENGWU_FIELD_KEYS") or (
    "dev1:" + local_secret(VAR_DIR / "field_key", 32)
)
ZHENGWU_HASH_KEY = env_str("ZHENGWU_HASH_KEY") or local_secret(VAR_DIR / "hash_key", 32)

# --- providers (dotted paths; sandbox defaults) -------------------------------------
ZHENGWU_SMS_BACKEND = env_str(
    "ZHENGWU_SMS_BACKEND", "zhengwu.integrations.sms.sandbox.SandboxSmsGateway"
)
ZHENGWU_IDENTITY_BACKEND = env_str(
    "ZHENGWU_IDENTITY_BACKEND", "zhengwu.integrations.identity.sandbox.SandboxIdentityProvider"
)
ZHENGWU_REGISTRY_BACKEND = env_str(
    "ZHENGWU_REGISTRY_BACKEND", "zhengwu.integrations.registry.local.LocalRegistry"
)

# Public origin for links that leave the browser (face-check QR code, SMS links).
ZHENGWU_SITE_URL = env_str("ZHENGWU_SITE_URL", "http://127.0.0.1:8000")
ZHENGWU_IDENTITY_CHECK_TTL_SECONDS = env_int("ZHENGWU_IDENTITY_CHECK_TTL_SECONDS", 600)

# Other sign-in methods (ACC-6, zhengwu.federation): national account (OIDC), e-licence scan,
# legal-person certificate. Sandbox providers by default; the deploy check refuses them.
ZHENGWU_FEDERATION_NATIONAL_BACKEND = env_str(
    "ZHENGWU_FEDERATION_NATIONAL_BACKEND",
    "zhengwu.federation.providers.oidc.SandboxNationalAccountProvider",
)
ZHENGWU_FEDERATION_LICENCE_BACKEND = env_str(
    "ZHENGWU_FEDERATION_LICENCE_BACKEND",
    "zhengwu.federation.providers.licence.SandboxLicenceScanProvider",
)
ZHENGWU_FEDERATION_CERTIFICATE_BACKEND = env_str(
    "ZHENGWU_FEDERATION_CERTIFICATE_BACKEND",
    "zhengwu.federation.providers.certificate.SandboxCertificateProvider",
)
ZHENGWU_FEDERATION_OIDC_ISSUER = env_str("ZHENGWU_FEDERATION_OIDC_ISSUER")
ZHENGWU_FEDERATION_OIDC_CLIENT_ID = env_str("ZHENGWU_FEDERATION_OIDC_CLIENT_ID", "zhengwu-portal")
ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET = env_str("ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET")
ZHENGWU_FEDERATION_OIDC_TIMEOUT = env_int("ZHENGWU_FEDERATION_OIDC_TIMEOUT", 10)
ZHENGWU_FEDERATION_OIDC_LEEWAY_SECONDS = env_int("ZHENGWU_FEDERATION_OIDC_LEEWAY_SECONDS", 60)
ZHENGWU_FEDERATION_FLOW_TTL_SECONDS = env_int("ZHENGWU_FEDERATION_FLOW_TTL_SECONDS", 600)
ZHENGWU_FEDERATION_STARTS_PER_MINUTE = env_int("ZHENGWU_FEDERATION_STARTS_PER_MINUTE", 30)
ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS = env_int(
    "ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS", 120
)
ZHENGWU_FEDERATION_CERT_CA_FILE = env_str("ZHENGWU_FEDERATION_CERT_CA_FILE")
ZHENGWU_FEDERATION_CERT_PROXY_HEADER = env_str(
    "ZHENGWU_FEDERATION_CERT_PROXY_HEADER", "X-SSL-Client-Cert"
)
ZHENGWU_FEDERATION_CERT_TRUST_PROXY = env_bool("ZHENGWU_FEDERATION_CERT_TRUST_PROXY", False)

# E-signature provider (REG-10 authorisation letters; LIC-3 licences).
ZHENGWU_ESIGN_BACKEND = env_str(
    "ZHENGWU_ESIGN_BACKEND", "zhengwu.integrations.esign.sandbox.SandboxESignProvider"
)
# Electronic licences (LIC-2, LIC-3): minutes a legal representative's face check opens the
# unit's licences; the issuing authority's signing key + certificate (one PEM) and the CA
# certificate relying parties trust (``manage.py licences_keys`` creates both for development);
# public verification requests per minute and client IP.
ZHENGWU_LICENCE_ACCESS_MINUTES = env_int("ZHENGWU_LICENCE_ACCESS_MINUTES", 10)
ZHENGWU_LICENCE_SIGNING_KEY = env_str(
    "ZHENGWU_LICENCE_SIGNING_KEY", str(VAR_DIR / "private" / "licences" / "signer.pem")
)
ZHENGWU_LICENCE_CA_CERT = env_str(
    "ZHENGWU_LICENCE_CA_CERT", str(VAR_DIR / "private" / "licences" / "ca.pem")
)
ZHENGWU_LICENCE_VERIFY_RATE = env_int("ZHENGWU_LICENCE_VERIFY_RATE", 60)
# Stored files readable by the portal's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploaded images (REG-9): size limit in bytes.
ZHENGWU_UPLOAD_MAX_BYTES = env_int("ZHENGWU_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
ZHENGWU_UPLOAD_MIN_SIDE = env_int("ZHENGWU_UPLOAD_MIN_SIDE", 200)
ZHENGWU_UPLOAD_MAX_SIDE = env_int("ZHENGWU_UPLOAD_MAX_SIDE", 10000)
ZHENGWU_UPLOAD_MAX_PIXELS = env_int("ZHENGWU_UPLOAD_MAX_PIXELS", 50_000_000)

# Registry import tuning (zhengwu.registry): files smaller than this run in one process; at
# most this many worker processes; first loads of at least this many rows rebuild the key.
ZHENGWU_REGISTRY_IMPORT_PARALLEL_MIN_BYTES = env_int(
    "ZHENGWU_REGISTRY_IMPORT_PARALLEL_MIN_BYTES", 4 * 1024 * 1024
)
ZHENGWU_REGISTRY_IMPORT_MAX_WORKERS = env_int("ZHENGWU_REGISTRY_IMPORT_MAX_WORKERS", 4)
ZHENGWU_REGISTRY_BULK_LOAD_ROWS = env_int("ZHENGWU_REGISTRY_BULK_LOAD_ROWS", 50_000)
ZHENGWU_DEMO_PASSWORD = env_str("ZHENGWU_DEMO_PASSWORD", "Zhengwu@2026")

# --- portal -----------------------------------------------------------------------
ZHENGWU_PORTAL_NAME = env_str("ZHENGWU_PORTAL_NAME", "政务服务网")
ZHENGWU_HOTLINE = env_str("ZHENGWU_HOTLINE", "12345")
ZHENGWU_SMS_SIGNATURE = env_str("ZHENGWU_SMS_SIGNATURE", "【政务服务网】")
# Office hours of every working day, "09:00-12:00,13:30-17:30" (zhengwu.workdays).
ZHENGWU_OFFICE_HOURS = tuple(
    tuple(window.split("-", 1))
    for window in env_list("ZHENGWU_OFFICE_HOURS", ["09:00-12:00", "13:30-17:30"])
)

# Verification codes (NTF-1): 6 digits, 5 minutes, 5 wrong tries, per-mobile limits.
ZHENGWU_SMS_CODE_TTL_SECONDS = env_int("ZHENGWU_SMS_CODE_TTL_SECONDS", 300)
ZHENGWU_SMS_CODE_MAX_ATTEMPTS = env_int("ZHENGWU_SMS_CODE_MAX_ATTEMPTS", 5)
ZHENGWU_SMS_LIMIT_PER_MINUTE = env_int("ZHENGWU_SMS_LIMIT_PER_MINUTE", 1)
ZHENGWU_SMS_LIMIT_PER_HOUR = env_int("ZHENGWU_SMS_LIMIT_PER_HOUR", 5)
ZHENGWU_SMS_LIMIT_PER_DAY = env_int("ZHENGWU_SMS_LIMIT_PER_DAY", 10)
ZHENGWU_SMS_MAX_RETRIES = env_int("ZHENGWU_SMS_MAX_RETRIES", 5)
ZHENGWU_SMS_RETRY_BASE_SECONDS = env_int("ZHENGWU_SMS_RETRY_BASE_SECONDS", 30)
ZHENGWU_SMS_RETRY_MAX_SECONDS = env_int("ZHENGWU_SMS_RETRY_MAX_SECONDS", 3600)
ZHENGWU_SMS_STALE_CLAIM_SECONDS = env_int("ZHENGWU_SMS_STALE_CLAIM_SECONDS", 60)
ZHENGWU_SMS_LOST_ENQUEUE_SECONDS = env_int("ZHENGWU_SMS_LOST_ENQUEUE_SECONDS", 60)

# Enterprise code (企业码, EC-1 … EC-5). The campaign deadline is an ISO date (YYYY-MM-DD) or
# empty for no campaign; the public verification page allows this many requests per IP a minute.
ZHENGWU_CODE_CAMPAIGN_DEADLINE = env_str("ZHENGWU_CODE_CAMPAIGN_DEADLINE", "")
ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE = env_int("ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE", 30)

# Captcha (django-simple-captcha). In sandbox mode the word PASSED is accepted.
# ZHENGWU_CAPTCHA_TEST_MODE=0 keeps the real captcha with the other sandboxes (the two-instance
# test checks that a captcha made on one host is answered on another).
CAPTCHA_TEST_MODE = env_bool("ZHENGWU_CAPTCHA_TEST_MODE", ZHENGWU_SANDBOX)
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5
# Audio captcha (accessibility): the flite binary speaks the captcha; found on PATH by default
# (Debian package flite), so the spoken alternative is offered wherever flite is installed.
CAPTCHA_FLITE_PATH = env_str("CAPTCHA_FLITE_PATH") or shutil.which("flite")

# Sign-in, lockout and recovery (ACC-1 … ACC-3; docs/security.md). The idle timeout is
# SESSION_COOKIE_AGE; the page warns ZHENGWU_SESSION_WARNING_SECONDS before it.
ZHENGWU_SIGNIN_MAX_FAILURES = env_int("ZHENGWU_SIGNIN_MAX_FAILURES", 10)
ZHENGWU_ACCOUNT_HOTLINE = env_str("ZHENGWU_ACCOUNT_HOTLINE", ZHENGWU_HOTLINE)
ZHENGWU_SIGNIN_WARN_FROM = env_int("ZHENGWU_SIGNIN_WARN_FROM", 7)
ZHENGWU_SIGNIN_IP_MAX_FAILURES = env_int("ZHENGWU_SIGNIN_IP_MAX_FAILURES", 200)
ZHENGWU_SIGNIN_IP_ACCOUNT_MAX_FAILURES = env_int("ZHENGWU_SIGNIN_IP_ACCOUNT_MAX_FAILURES", 20)
ZHENGWU_SIGNIN_IP_WINDOW_SECONDS = env_int("ZHENGWU_SIGNIN_IP_WINDOW_SECONDS", 900)
ZHENGWU_SESSION_WARNING_SECONDS = env_int("ZHENGWU_SESSION_WARNING_SECONDS", 120)
ZHENGWU_RECOVERY_TTL_SECONDS = env_int("ZHENGWU_RECOVERY_TTL_SECONDS", 600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Durable audit events (failures that must survive a rollback) are written on a second
# connection on PostgreSQL; see zhengwu.audit.services.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["audit"] = {**DATABASES["default"], "TEST": {"DEPENDENCIES": []}}
