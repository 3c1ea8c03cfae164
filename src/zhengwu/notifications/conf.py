"""Settings of the notifications app, read at call time (``override_settings`` works).

The defaults match ``zhengwu.settings.base``; settings not defined there yet have their
default here (see ``docs/workflows/notifications.md``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def signature() -> str:
    """``ZHENGWU_SMS_SIGNATURE``: the 【签名】 prefix of every text (vendor-registered)."""
    return str(getattr(settings, "ZHENGWU_SMS_SIGNATURE", "【政务服务网】"))


def portal_name() -> str:
    return str(getattr(settings, "ZHENGWU_PORTAL_NAME", "政务服务网"))


def hotline() -> str:
    return str(getattr(settings, "ZHENGWU_HOTLINE", "12345"))


def max_retries() -> int:
    """``ZHENGWU_SMS_MAX_RETRIES``: retries after the first attempt (total = 1 + retries)."""
    return _int("ZHENGWU_SMS_MAX_RETRIES", 5)


def retry_base_delay() -> timedelta:
    """``ZHENGWU_SMS_RETRY_BASE_SECONDS``: delay before the first retry, doubled each time."""
    return timedelta(seconds=_int("ZHENGWU_SMS_RETRY_BASE_SECONDS", 30))


def retry_max_delay() -> timedelta:
    """``ZHENGWU_SMS_RETRY_MAX_SECONDS``: the backoff never waits longer than this."""
    return timedelta(seconds=_int("ZHENGWU_SMS_RETRY_MAX_SECONDS", 3600))


def stale_claim_after() -> timedelta:
    """``ZHENGWU_SMS_STALE_CLAIM_SECONDS``: a message still ``sending`` this long after it was
    claimed belongs to a worker that died; ``sms_retry_due`` puts it back in the queue (60 s).

    Longer than the slowest gateway call (``ZHENGWU_SMS_HTTP_TIMEOUT`` for the connect plus
    the same for the answer: 20 s by default). Shorter is safe for correctness — a slow worker
    whose claim is taken back only records its attempt, and the resend carries the same
    idempotency key — but sends the gateway a duplicate request it has to deduplicate."""
    return timedelta(seconds=_int("ZHENGWU_SMS_STALE_CLAIM_SECONDS", 60))


def lost_enqueue_after() -> timedelta:
    """``ZHENGWU_SMS_LOST_ENQUEUE_SECONDS``: a fresh ``queued`` message older than this whose
    delivery task never ran (enqueue failed) is picked up by ``sms_retry_due``."""
    return timedelta(seconds=_int("ZHENGWU_SMS_LOST_ENQUEUE_SECONDS", 60))


def code_ttl() -> timedelta:
    """``ZHENGWU_SMS_CODE_TTL_SECONDS``: a verification code's lifetime (5 minutes)."""
    return timedelta(seconds=_int("ZHENGWU_SMS_CODE_TTL_SECONDS", 300))


def code_max_attempts() -> int:
    """``ZHENGWU_SMS_CODE_MAX_ATTEMPTS``: wrong entries after which a code is dead (5)."""
    return _int("ZHENGWU_SMS_CODE_MAX_ATTEMPTS", 5)


def code_limits() -> tuple[tuple[timedelta, int], ...]:
    """Per-mobile send limits as (window, max codes): 1/minute, 5/hour, 10/day by default
    (``ZHENGWU_SMS_LIMIT_PER_MINUTE``, ``_PER_HOUR``, ``_PER_DAY``); rolling windows."""
    return (
        (timedelta(minutes=1), _int("ZHENGWU_SMS_LIMIT_PER_MINUTE", 1)),
        (timedelta(hours=1), _int("ZHENGWU_SMS_LIMIT_PER_HOUR", 5)),
        (timedelta(days=1), _int("ZHENGWU_SMS_LIMIT_PER_DAY", 10)),
    )
