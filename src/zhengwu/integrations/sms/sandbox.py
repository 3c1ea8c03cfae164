"""The sandbox SMS gateway: nothing leaves the machine, every message lands in ``SandboxSms``.

The sandbox "phone" is the page ``/sandbox/sms/`` (newest first, filter by mobile); tests read
``SandboxSms`` (or the outbox) to get the text, e.g. a verification code.

It behaves like a real vendor, failures included. Documented failure inputs, by the last four
digits of the mobile number:

==========  ==========================================================================
``…0000``   permanent failure, 空号 (empty number): ``SmsError(permanent=True)``,
            ``provider_code="EMPTY_NUMBER"``. The outbox stops at once.
``…0001``   transient failure on the first attempt for a reference (网关超时), success
            on the next attempt: the outbox retry path.
``…0002``   transient failure on every attempt (网关繁忙): retries until the outbox gives
            up after ``ZHENGWU_SMS_MAX_RETRIES``.
==========  ==========================================================================

Also, like real vendors: a number that is not 11 digits starting with 1 is a permanent failure
(``INVALID_NUMBER``), a text longer than 500 characters too (``TEXT_TOO_LONG``), and a
second request with the idempotency key (``reference``) of an already delivered message is
not delivered again: the first receipt is returned. A partial unique constraint
(``sandbox_sms_delivered_once``) holds that under concurrency too: of two simultaneous
requests with one key, one delivers and the other gets its receipt.

Every request, delivered or refused, is one ``SandboxSms`` row with its status and error.

**Whole-gateway outage.** ``set_gateway_outage(True)`` (the button on ``/sandbox/sms/``, or
``manage.py sms_sandbox_outage on``) makes every request fail as a gateway that is down
(``SmsError(permanent=False, provider_code="GATEWAY_DOWN")``, 短信网关暂时不可用) until it is
switched off; the setting ``ZHENGWU_SMS_SANDBOX_OUTAGE = True`` holds it on. The switch is a
``SandboxSwitch`` row, so the page, the command and every worker on every host see it. The
outbox retries with its back-off; codes that expire meanwhile end ``expired``, not sent.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.crypto import blind_index
from zhengwu.integrations.models import SandboxSms, SandboxSwitch

from .base import SmsError, SmsGateway, SmsReceipt, SmsRequest

MAX_TEXT_LENGTH = 500
EMPTY_NUMBER_SUFFIX = "0000"
FLAKY_ONCE_SUFFIX = "0001"
ALWAYS_BUSY_SUFFIX = "0002"
#: The failure inputs by last four digits, with what happens (listed on ``/sandbox/sms/``; demo
#: personas must not use them).
FAILURE_SUFFIXES: dict[str, Any] = {
    EMPTY_NUMBER_SUFFIX: _("空号：永久失败，不再重试"),
    FLAKY_ONCE_SUFFIX: _("网关超时：第一次失败，约 30 秒后重试成功"),
    ALWAYS_BUSY_SUFFIX: _("网关繁忙：每次都失败，重试到上限后放弃"),
}


def is_failure_number(mobile: str) -> bool:
    """Whether ``mobile`` is one of the sandbox's documented failure inputs."""
    return mobile[-4:] in FAILURE_SUFFIXES


_MOBILE = re.compile(r"1\d{10}")


def gateway_outage() -> bool:
    """Is the simulated whole-gateway outage on (setting or switch)?"""
    if getattr(settings, "ZHENGWU_SMS_SANDBOX_OUTAGE", False):
        return True
    return SandboxSwitch.objects.filter(name=SandboxSwitch.SMS_OUTAGE, is_on=True).exists()


def set_gateway_outage(on: bool) -> None:
    """Switch the simulated outage on or off for every process."""
    SandboxSwitch.objects.update_or_create(
        name=SandboxSwitch.SMS_OUTAGE, defaults={"is_on": on, "changed_at": timezone.now()}
    )


class SandboxSmsGateway(SmsGateway):
    """Offline gateway with the failure inputs of the module docstring."""

    def send(self, request: SmsRequest) -> SmsReceipt:
        """Record the request in ``SandboxSms``; deliver it or raise ``SmsError``."""
        outage = gateway_outage()
        first = None if outage else self._delivered(request)
        if first is not None:
            return first

        error = (
            SmsError("短信网关暂时不可用", permanent=False, provider_code="GATEWAY_DOWN")
            if outage
            else self._failure(request)
        )
        row = SandboxSms(
            mobile=request.mobile,
            mobile_hash=blind_index(request.mobile, purpose="mobile"),
            text=request.text,
            template_code=request.template_code[:64],
            reference=request.reference[:64],
            created_at=timezone.now(),
        )
        if error is not None:
            row.status = SandboxSms.Status.FAILED
            row.error = error.message[:200]
            row.is_permanent = error.permanent
            row.save()
            raise error
        row.status = SandboxSms.Status.DELIVERED
        row.provider_message_id = f"sbx-{secrets.token_hex(8)}"
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # another request with this key delivered meanwhile: its receipt, no second SMS
            first = self._delivered(request)
            if first is None:
                raise
            return first
        return SmsReceipt(row.provider_message_id, row.created_at)

    @staticmethod
    def _delivered(request: SmsRequest) -> SmsReceipt | None:
        """The receipt of the delivery already made under ``request``'s idempotency key."""
        delivered = (
            SandboxSms.objects.filter(
                reference=request.idempotency_key[:64], status=SandboxSms.Status.DELIVERED
            )
            .order_by("created_at", "id")
            .first()
        )
        if delivered is None:
            return None
        return SmsReceipt(delivered.provider_message_id, delivered.created_at)

    def _failure(self, request: SmsRequest) -> SmsError | None:
        mobile = request.mobile
        if not _MOBILE.fullmatch(mobile):
            return SmsError("号码格式错误", permanent=True, provider_code="INVALID_NUMBER")
        if len(request.text) > MAX_TEXT_LENGTH:
            return SmsError("短信内容超长", permanent=True, provider_code="TEXT_TOO_LONG")
        if mobile.endswith(EMPTY_NUMBER_SUFFIX):
            return SmsError("空号", permanent=True, provider_code="EMPTY_NUMBER")
        if mobile.endswith(ALWAYS_BUSY_SUFFIX):
            return SmsError("网关繁忙，请稍后重试", permanent=False, provider_code="BUSY")
        if (
            mobile.endswith(FLAKY_ONCE_SUFFIX)
            and not SandboxSms.objects.filter(reference=request.reference).exists()
        ):
            return SmsError("网关超时", permanent=False, provider_code="TIMEOUT")
        return None
