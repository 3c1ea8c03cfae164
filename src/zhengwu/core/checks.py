"""Start-up and deploy checks with stable ids."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_no_sandbox_in_production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """zhengwu.E001: a production deployment must not run any sandbox provider."""
    errors: list[checks.CheckMessage] = []
    if settings.ZHENGWU_SANDBOX:
        errors.append(
            checks.Error("ZHENGWU_SANDBOX is on.", hint="Set ZHENGWU_SANDBOX=0.", id="zhengwu.E001")
        )
    for name in (
        "ZHENGWU_SMS_BACKEND",
        "ZHENGWU_IDENTITY_BACKEND",
        "ZHENGWU_REGISTRY_BACKEND",
        "ZHENGWU_ESIGN_BACKEND",
    ):
        path = getattr(settings, name, "")
        if ".sandbox." in path or path.endswith(".sandbox"):
            errors.append(
                checks.Error(
                    f"{name} is a sandbox provider ({path}).",
                    hint="Configure the real provider.",
                    id="zhengwu.E002",
                )
            )
    if getattr(settings, "CAPTCHA_TEST_MODE", False):
        errors.append(checks.Error("CAPTCHA_TEST_MODE accepts the word PASSED.", id="zhengwu.E003"))
    for kid_key in settings.ZHENGWU_FIELD_KEYS.split(","):
        if kid_key.strip().startswith(("dev", "t1:", "t2:")):
            errors.append(
                checks.Error(
                    "A development or test field-encryption key is in use.", id="zhengwu.E004"
                )
            )
            break
    return errors
