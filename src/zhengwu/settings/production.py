"""Production settings: PostgreSQL, Redis, a task worker, several app processes.

Secrets come only from the environment; sandboxes are refused by a deploy check.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ZHENGWU_SANDBOX", "0")

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
ZHENGWU_FIELD_KEYS = env_str("ZHENGWU_FIELD_KEYS", required=True)
ZHENGWU_HASH_KEY = env_str("ZHENGWU_HASH_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CACHES = {
    "default": {
        "BACKEND": "zhengwu.core.cache.RedisCache",
        "LOCATION": env_str("REDIS_URL", required=True),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds the whole domain (often a province's gov.cn
# zone) for years: the operator decides, so the deploy warning is silenced while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
