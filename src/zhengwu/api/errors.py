"""The API's shared pieces below every feature: the error body and the image-captcha check.

Features import these; this module imports no feature (``zhengwu.api.api`` mounts the features'
routers, so defining them there made the only import circle between apps).
"""

from __future__ import annotations

from captcha.models import CaptchaStore
from django.utils import timezone
from ninja import Schema

from zhengwu.core.errors import ValidationFailed


class ErrorOut(Schema):
    """Every expected failure of ``/api/v1/``: a stable code, a Chinese message, the field."""

    code: str
    message: str
    field: str | None = None


def captcha_check(key: str, answer: str) -> None:
    """django-simple-captcha for API clients: one attempt per key (``PASSED`` in the sandbox)."""
    from captcha.conf import settings as captcha_settings

    from zhengwu.integrations.captcha import SANDBOX_ANSWER

    answer = (answer or "").strip().lower()
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is not None:
        store.delete()
    if captcha_settings.CAPTCHA_TEST_MODE and answer == SANDBOX_ANSWER.lower():
        return
    if store is None or store.response != answer:
        raise ValidationFailed("验证码错误", code="captcha.wrong", field="captcha")
