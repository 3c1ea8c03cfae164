"""Test settings: fast hashing, fixed keys, in-memory cache, immediate tasks.

``DATABASE_URL`` still chooses the database, so the suite runs on SQLite (default) and on
PostgreSQL in CI.
"""

import os

os.environ.setdefault("ZHENGWU_VAR_DIR", "/tmp/zhengwu-test-var")

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ZHENGWU_SANDBOX = True
CAPTCHA_TEST_MODE = True
ZHENGWU_FIELD_KEYS = (
    "t2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,"
    "t1:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="
)
ZHENGWU_HASH_KEY = "dGVzdC1oYXNoLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE="
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory test database (shared cache, so the live server's threads see it too):
    # fast, and concurrent runs never share a file.
    DATABASES["default"]["TEST"] = {"NAME": None}
DATABASES["default"]["CONN_MAX_AGE"] = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "CRITICAL"},
}

INSTALLED_APPS = [*INSTALLED_APPS, "zhengwu.core.tests.testapp"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per run, so that concurrent runs on one server never clobber
    # each other (the runner drops it at the end).
    DATABASES["default"]["TEST"] = {"NAME": f"test_zhengwu_{os.getpid()}"}
    # The durable-audit connection points at the same test database.
    DATABASES["audit"]["TEST"] = {"NAME": f"test_zhengwu_{os.getpid()}"}
