"""Settings of the registration benchmark: the portal's own settings (``zhengwu.settings.base``,
sandbox providers, persistent connections, the Redis cache) with fixed bench-only keys, quiet
logs and a URLconf that adds the baseline view. ``DATABASE_URL`` points at the bench
database."""

import os

os.environ.setdefault("ZHENGWU_VAR_DIR", "/tmp/zhengwu-bench-var")
# The cache as in production (Redis, required there): with several gunicorn workers a
# per-process local-memory cache would not be what a deployment runs. (Step 1 itself does
# not use the cache: its draft travels in a sealed token, decision 0017.)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

from zhengwu.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "registration_site.urls"
# Fixed keys: the orchestrator imports the register (blind indexes) with the same keys the
# gunicorn workers compare with.
ZHENGWU_FIELD_KEYS = "b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
ZHENGWU_HASH_KEY = "YmVuY2gtaGFzaC1rZXktMDEyMzQ1Njc4OWFiY2RlZjA="
CAPTCHA_TEST_MODE = False  # step 1 has no captcha; keeps the start-up warning quiet
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
