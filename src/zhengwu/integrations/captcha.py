"""The sandbox captcha: django-simple-captcha with ``CAPTCHA_TEST_MODE`` accepts ``PASSED``.

The library copies ``CAPTCHA_TEST_MODE`` into ``captcha.conf.settings`` once, at import, so
``override_settings(CAPTCHA_TEST_MODE=...)`` alone would not reach it. The receiver below keeps
the library's copy in step with Django's ``setting_changed`` signal (sent by
``override_settings``), so tests can switch the sandbox captcha on and off like any setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SANDBOX_ANSWER = "PASSED"


def sync_captcha_test_mode(*, setting: str, **kwargs: Any) -> None:
    """``setting_changed`` receiver: copy ``CAPTCHA_TEST_MODE`` into the library's settings."""
    if setting != "CAPTCHA_TEST_MODE":
        return
    from captcha.conf import settings as captcha_settings

    captcha_settings.CAPTCHA_TEST_MODE = getattr(settings, "CAPTCHA_TEST_MODE", False)
