"""SMS verification codes (REG-4, REG-11, ACC-2, ACC-3, ACC-4; NTF-1 limits and expiry).

* A code is 6 random digits (``secrets``), stored only as a keyed hash bound to the mobile
  and the purpose; it lives ``ZHENGWU_SMS_CODE_TTL_SECONDS`` (5 minutes), is used once, and
  dies after ``ZHENGWU_SMS_CODE_MAX_ATTEMPTS`` (5) wrong entries. Sending a new code for the
  same mobile and purpose supersedes the old one (a partial unique index allows one active
  code per mobile and purpose).
* Per-mobile limits over rolling windows, all purposes together: 1 per minute, 5 per hour,
  10 per day (``ZHENGWU_SMS_LIMIT_PER_*``). The database enforces them under concurrency:
  the sender locks the mobile's ``SmsMobileCounter`` row (``SELECT ... FOR UPDATE`` on
  PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises all writers) and counts the codes in
  each window under that lock, so two simultaneous requests cannot both pass a limit.

These services know nothing of accounts. Callers that send a code "to the account's mobile"
(forgot password, ACC-3) must answer the same way whether or not the account exists.
"""

from __future__ import annotations

import hmac
import math
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.notifications import conf, constants
from zhengwu.notifications.errors import SmsRateLimited, VerificationCodeInvalid
from zhengwu.notifications.models import SmsMobileCounter, VerificationCode

from ._common import mobile_hash, validate_mobile
from .outbox import sms_send

Purpose = VerificationCode.Purpose
State = VerificationCode.State
CODE_DIGITS = 6


def _purpose(purpose: str) -> str:
    if purpose not in Purpose.values:
        raise ValidationFailed(
            f"验证码用途“{purpose}”无效", code="sms_code.purpose", field="purpose"
        )
    return purpose


def _code_hash(hashed_mobile: str, purpose: str, code: str) -> str:
    return blind_index(f"{hashed_mobile}:{purpose}:{code}", purpose="sms_code")


def _lock_mobile(hashed_mobile: str) -> SmsMobileCounter:
    """Lock (creating if needed) the mobile's counter row for the rest of the transaction."""
    locked = SmsMobileCounter.objects.select_for_update()
    counter = locked.filter(mobile_hash=hashed_mobile).first()
    if counter is not None:
        return counter
    try:
        # Savepoint: a concurrent first request for this mobile may insert the row first; on
        # PostgreSQL our insert then waits for its commit and fails on the unique index.
        with transaction.atomic():
            SmsMobileCounter.objects.create(mobile_hash=hashed_mobile)
    except IntegrityError:
        pass
    return locked.get(mobile_hash=hashed_mobile)


def _retry_message(window: timedelta, limit: int, retry_at: datetime, now: datetime) -> str:
    if window <= timedelta(minutes=1):
        seconds = max(1, math.ceil((retry_at - now).total_seconds()))
        return f"获取短信验证码过于频繁，请{seconds}秒后再试"
    local = timezone.localtime(retry_at)
    if window < timedelta(days=1):
        return f"该手机号1小时内获取短信验证码已达{limit}次，请于{local:%H:%M}后再试"
    return (
        f"该手机号24小时内获取短信验证码已达{limit}次，"
        f"请于{local.month}月{local.day}日{local:%H:%M}后再试"
    )


def _rate_limit(hashed_mobile: str, now: datetime) -> SmsRateLimited | None:
    """The binding limit (the one that frees latest) if any window is full, else ``None``."""
    worst: tuple[datetime, timedelta, int] | None = None
    for window, limit in conf.code_limits():
        if limit <= 0:
            continue
        recent = list(
            VerificationCode.objects.filter(mobile_hash=hashed_mobile, created_at__gt=now - window)
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry_at = recent[limit - 1] + window  # when the oldest counted code leaves
            if worst is None or retry_at > worst[0]:
                worst = (retry_at, window, limit)
    if worst is None:
        return None
    retry_at, window, limit = worst
    return SmsRateLimited(
        _retry_message(window, limit, retry_at, now),
        retry_at=retry_at,
        retry_after_seconds=max(1, math.ceil((retry_at - now).total_seconds())),
    )


def verification_code_send(*, mobile: str, purpose: str, actor: Any = None) -> VerificationCode:
    """Send a new 6-digit code for ``purpose`` to ``mobile`` and return its row (no clear code).

    Raises ``ValidationFailed`` (field ``mobile``) for an invalid number and ``SmsRateLimited``
    (code ``sms.rate_limited``, field ``mobile``, Chinese message saying when to retry) when a
    per-mobile limit is reached. Older active codes of the same mobile and purpose are
    superseded. The SMS leaves after the surrounding transaction commits.
    """
    number = validate_mobile(mobile)
    purpose = _purpose(purpose)
    hashed = mobile_hash(number)
    now = timezone.now()
    limited: SmsRateLimited | None = None
    with transaction.atomic():
        _lock_mobile(hashed)
        limited = _rate_limit(hashed, now)
        if limited is None:
            VerificationCode.objects.filter(
                mobile_hash=hashed, purpose=purpose, state=State.ACTIVE
            ).update(state=State.SUPERSEDED)
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            ttl = conf.code_ttl()
            row = VerificationCode.objects.create(
                mobile_hash=hashed,
                purpose=purpose,
                code_hash=_code_hash(hashed, purpose, code),
                created_at=now,
                expires_at=now + ttl,
            )
            row.message = sms_send(
                mobile=number,
                template=constants.CODE_TEMPLATE_PREFIX + purpose,
                params={"code": code, "minutes": max(1, int(ttl.total_seconds()) // 60)},
                actor=actor,
                subject=row,
                expires_at=row.expires_at,
            )
            row.save(update_fields=["message"])
            SmsMobileCounter.objects.filter(mobile_hash=hashed).update(
                codes_sent=F("codes_sent") + 1, last_code_at=now
            )
            record_event(
                constants.CODE_SENT,
                actor=actor,
                subject=row,
                after={"mobile": mask_mobile(number), "purpose": purpose},
            )
    if limited is not None:
        record_event(
            constants.CODE_RATE_LIMITED,
            actor=actor,
            subject=("notifications.mobile", hashed[:16]),
            outcome=AuditEvent.Outcome.FAILURE,
            durable=True,
            after={
                "mobile": mask_mobile(number),
                "purpose": purpose,
                "retry_after": limited.retry_after_seconds,
            },
        )
        raise limited
    return row


def _normalise_code(code: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(code)).split())


def verification_code_check(*, mobile: str, purpose: str, code: str) -> VerificationCode:
    """Accept ``code`` for ``mobile`` and ``purpose`` once, or raise ``VerificationCodeInvalid``.

    Checks the newest code of the mobile and purpose. Codes of the error (field
    ``sms_code``): ``sms_code.wrong`` (the message says how many tries are left),
    ``sms_code.locked`` (the 5th wrong entry kills the code), ``sms_code.expired``,
    ``sms_code.used``, ``sms_code.missing``. On success the code is marked used.

    Runs its own durable transaction: a wrong entry must count even when the caller's work
    fails afterwards, so it cannot be called inside another transaction.
    """
    number = validate_mobile(mobile)
    purpose = _purpose(purpose)
    hashed = mobile_hash(number)
    entered = _normalise_code(code)
    now = timezone.now()
    failure: tuple[str, str] | None = None
    locked_now = False
    with transaction.atomic(durable=True):
        row = (
            VerificationCode.objects.select_for_update()
            .filter(mobile_hash=hashed, purpose=purpose)
            .exclude(state=State.SUPERSEDED)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            failure = ("sms_code.missing", "请先获取短信验证码")
        elif row.state == State.USED:
            failure = ("sms_code.used", "短信验证码已使用，请重新获取")
        elif row.state == State.LOCKED:
            failure = ("sms_code.locked", "短信验证码错误次数过多，已失效，请重新获取")
        elif now >= row.expires_at:
            failure = ("sms_code.expired", "短信验证码已过期，请重新获取")
        elif hmac.compare_digest(_code_hash(hashed, purpose, entered), row.code_hash):
            row.state, row.used_at = State.USED, now
            row.save(update_fields=["state", "used_at"])
            record_event(
                constants.CODE_VERIFIED,
                subject=row,
                after={"mobile": mask_mobile(number), "purpose": purpose},
            )
        else:
            row.failed_attempts += 1
            left = conf.code_max_attempts() - row.failed_attempts
            if left <= 0:
                row.state, locked_now = State.LOCKED, True
                failure = ("sms_code.locked", "短信验证码错误次数过多，已失效，请重新获取")
            else:
                failure = ("sms_code.wrong", f"短信验证码错误，还可尝试{left}次")
            row.save(update_fields=["failed_attempts", "state"])
    if failure is None:
        assert row is not None
        return row
    after = {"mobile": mask_mobile(number), "purpose": purpose, "reason": failure[0]}
    subject = row if row is not None else ("notifications.mobile", hashed[:16])
    record_event(
        constants.CODE_CHECK_FAILED,
        subject=subject,
        after=after,
        outcome=AuditEvent.Outcome.FAILURE,
        durable=True,
    )
    if locked_now:
        record_event(
            constants.CODE_LOCKED,
            subject=subject,
            after=after,
            outcome=AuditEvent.Outcome.FAILURE,
            durable=True,
        )
    raise VerificationCodeInvalid(failure[1], code=failure[0])
