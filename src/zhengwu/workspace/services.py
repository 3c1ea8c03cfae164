"""Services of the user space: sign-in records, "sign out everywhere else", "这不是我"."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.context import client_ip

from . import constants
from .models import SignInRecord

#: ``user._signin_via`` (password sign-in: how the principal was found; federation: method).
_METHODS = {
    "username": SignInRecord.Method.PASSWORD,
    "mobile": SignInRecord.Method.MOBILE,
    "national_account": SignInRecord.Method.NATIONAL,
    "licence_scan": SignInRecord.Method.LICENCE,
    "certificate": SignInRecord.Method.CERTIFICATE,
}


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def signin_record_open(*, request: HttpRequest, user: Any) -> SignInRecord:
    """Record the session just opened for ``user`` (called on ``user_logged_in``, after
    ``login`` rotated the key)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key is None:
        session.save()
    method = _METHODS.get(getattr(user, "_signin_via", "username"), SignInRecord.Method.OTHER)
    return SignInRecord.objects.create(
        user=user,
        session_key=(session.session_key or "") if session is not None else "",
        method=method,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def signin_record_close(*, request: HttpRequest, user: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignInRecord.objects.filter(user=user, session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def _end_sessions(records: list[SignInRecord]) -> int:
    store = _session_store()
    ended = 0
    for record in records:
        if record.session_key:
            store(session_key=record.session_key).delete()
        ended += 1
    SignInRecord.objects.filter(pk__in=[r.pk for r in records]).update(ended_at=timezone.now())
    return ended


def sessions_end_others(*, request: HttpRequest, user: Any) -> int:
    """退出其他设备: end every open session of ``user`` but this one; audited. Returns how
    many ended."""
    from .selectors import open_sessions

    current = request.session.session_key
    others = [r for r in open_sessions(user=user) if r.session_key != current]
    ended = _end_sessions(others)
    record_event(constants.EVENT_SESSIONS_ENDED, actor=user, subject=user, after={"ended": ended})
    return ended


@transaction.atomic
def account_report_not_me(*, request: HttpRequest, user: Any, record_id: int | None) -> None:
    """这不是我: the owner saw a sign-in they did not make. The account is locked as after
    too many wrong passwords (it appears on support's 已锁定账号 list with its unlock
    button, and the owner can unlock it with an SMS code to their own mobile), every session
    ends, this one included, and support is told through an audit event
    (``workspace.reported_not_me``, outcome failure, shown in the audit back office),
    committed with the lock in one transaction."""
    from zhengwu.signin import conf as signin_conf
    from zhengwu.signin.models import SignInState

    now = timezone.now()
    state, _created = SignInState.objects.select_for_update().get_or_create(user=user)
    if state.locked_at is None:
        # The same lock as ACC-2's (its row says a lock follows the failure limit).
        state.locked_at = now
        state.failed_attempts = max(state.failed_attempts, signin_conf.max_failures())
        state.save(update_fields=["locked_at", "failed_attempts"])
    record = SignInRecord.objects.filter(user=user, pk=record_id).first() if record_id else None
    record_event(
        constants.EVENT_REPORTED_NOT_ME,
        actor=user,
        subject=user,
        outcome=AuditEvent.Outcome.FAILURE,
        after={
            "record": record.pk if record else None,
            "method": record.method if record else "",
            "ip": record.ip if record else None,
            "at": record.created_at.isoformat() if record else None,
            "locked": True,
        },
        request=request,
    )
    from .selectors import open_sessions

    _end_sessions(list(open_sessions(user=user)))
