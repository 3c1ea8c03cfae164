"""Settings of the agency sign-in benchmark: the portal's own settings (sandbox on, so the image
captcha accepts the test word PASSED) with fixed bench-only keys, quiet logs and a URLconf that
adds the baseline view. ``DATABASE_URL`` points at the bench database."""

import os

os.environ.setdefault("ZHENGWU_VAR_DIR", "/tmp/zhengwu-bench-agency-var")
os.environ.setdefault("ZHENGWU_SANDBOX", "1")

from zhengwu.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "agency_site.urls"
# Fixed keys: the orchestrator stores the credential hashes the gunicorn workers compare with.
ZHENGWU_FIELD_KEYS = "b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
ZHENGWU_HASH_KEY = "YmVuY2gtaGFzaC1rZXktMDEyMzQ1Njc4OWFiY2RlZjA="
CAPTCHA_TEST_MODE = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
