"""Recovery (ACC-3) and the self-service unlock (ACC-2): an SMS code to the bound mobile.

Three flows share one shape (seed 001 一.5: 确认账号 → 验证方式 → 重置密码):

* ``password``: forgot password — a username (or USCC, mobile, ID number as on the login
  page) → a code to the account's bound mobile → a new password;
* ``username``: forgot username — a mobile or an ID number plus a unit code (USCC or
  organisation code) → a code to the bound mobile → the username(s), each with a reset;
* ``unlock``: a locked account → a code to its bound mobile → unlocked.

State lives in the (server-side) session under ``RECOVERY_KEY``: the accounts the code will
prove, never shown before the code is right. Whether anything matched is never said before
that: an unknown account gets the same page, the same message, the same per-principal
limit, and wrong codes answer with the same "tries left" countdown as a real code.

The request does the same work whether or not an account matched (issue 11: the SMS queued
in the request made a known account measurably slower): it always enqueues one task,
``send_recovery_code``, with an opaque ticket; the task decides, after the request, whether a
code goes out. The page polls the ticket's state (``recovery_sms_state``: sending → sent or
failed): an unknown account's ticket reads "sent" as soon as the task ran, like a delivered
code; only a real gateway failure reads "failed" (decision 0020).
"""

from __future__ import annotations

import contextlib
import secrets
import time
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.identity import birth_date_of
from zhengwu.accounts.models import User
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.parsing import id_from_text
from zhengwu.notifications import conf as sms_conf
from zhengwu.notifications.errors import SmsRateLimited, VerificationCodeInvalid
from zhengwu.notifications.models import SmsMessage, VerificationCode
from zhengwu.notifications.services import verification_code_check, verification_code_send
from zhengwu.registrations.common import rules

from . import conf, constants, services, throttle

RECOVERY_KEY = "signin_recovery"
FLOWS = {
    "password": VerificationCode.Purpose.PASSWORD_RESET,
    "username": VerificationCode.Purpose.USERNAME_RECOVERY,
    "unlock": VerificationCode.Purpose.UNLOCK,
}
SENT_MESSAGE = _("如填写的信息正确，短信验证码已发送至账号绑定的手机号，5分钟内有效")
RESEND_SECONDS = 60
FAILURE = AuditEvent.Outcome.FAILURE


class RecoveryExpired(ValidationFailed):
    code = "recovery.expired"
    message = "操作已超时，请重新开始"


def _state(session: SessionBase, flow: str) -> dict[str, Any]:
    state = session.get(RECOVERY_KEY)
    if (
        not isinstance(state, dict)
        or state.get("flow") != flow
        or time.time() - state.get("started", 0) > conf.recovery_seconds()
    ):
        raise RecoveryExpired()
    return state


def recovery_start(
    *, session: SessionBase, flow: str, users: list[User], principal_key: str, actor: str = ""
) -> None:
    """Open ``flow`` for ``users`` (possibly none) and enqueue the code to their bound mobile.

    ``principal_key`` is what the person typed (normalised): at most one code per minute per
    principal, the same limit whether or not it matched. The same work is done in the request
    either way: one session write, one audit event, one task enqueued (``send_recovery_code``
    decides after the request whether a code goes out). A per-mobile SMS limit reached by a
    real account is not reported either (the page says the same; the code simply does not come).
    """
    from .tasks import send_recovery_code

    wait = throttle.once_per(
        f"{flow}:" + blind_index(principal_key, purpose="signin_principal"), RESEND_SECONDS
    )
    if wait:
        raise ValidationFailed(
            f"获取短信验证码过于频繁，请{wait}秒后再试", code="recovery.too_soon", field="captcha"
        )
    users = [u for u in users if u.mobile]
    if users:  # one mobile receives the code: the accounts bound to it
        users = [u for u in users if u.mobile == users[0].mobile]
    ticket = secrets.token_urlsafe(16)
    session[RECOVERY_KEY] = {
        "flow": flow,
        "users": [u.pk for u in users],
        "started": time.time(),
        "fake_failures": 0,
        "verified": False,
        "ticket": ticket,
    }
    record_event(
        constants.RECOVERY_STARTED,
        actor=actor or None,
        subject=users[0] if users else None,
        after={"flow": flow, "matched": len(users)},
    )
    send_recovery_code.enqueue(ticket=ticket, flow=flow, user_ids=[u.pk for u in users])


def _ticket_key(ticket: str) -> str:
    return f"signin:recovery_sms:{ticket}"


def recovery_code_send(*, ticket: str, flow: str, user_ids: list[int]) -> str:
    """The task's work, after the request: send the code of ``flow`` to the accounts' bound
    mobile, if any, and remember which outbox message carries it under ``ticket``."""
    users = [
        u for u in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk") if u.mobile
    ]
    outcome: dict[str, Any] = {"state": SmsMessage.Status.SENT}  # nothing to send looks sent
    if users:
        # A per-mobile limit is audited by notifications; answering differently would reveal
        # the account.
        with contextlib.suppress(SmsRateLimited):
            row = verification_code_send(
                mobile=users[0].mobile, purpose=FLOWS[flow], actor=users[0]
            )
            if row.message_id:
                outcome = {"message": row.message_id}
    cache.set(_ticket_key(ticket), outcome, timeout=conf.recovery_seconds())
    return str(outcome.get("state", "queued"))


def recovery_sms_state(*, session: SessionBase, flow: str) -> str:
    """``sending``, ``sent`` or ``failed``: the state of this recovery's code, the same for
    every account that does not exist as for one whose code was delivered."""
    try:
        state = _state(session, flow)
    except RecoveryExpired:
        return "expired"
    outcome = cache.get(_ticket_key(str(state.get("ticket", ""))))
    if not outcome:
        return "sending"
    if "message" not in outcome:
        return str(outcome["state"])
    status = (
        SmsMessage.objects.filter(pk=outcome["message"]).values_list("status", flat=True).first()
    )
    if status in (SmsMessage.Status.SENT, SmsMessage.Status.FAILED):
        return str(status)
    return "sending"


def recovery_verify(*, session: SessionBase, flow: str, code: str) -> list[User]:
    """Check the SMS code of ``flow``; the proven accounts, or ``VerificationCodeInvalid``.

    With no matching account, wrong codes count down exactly like a real code's tries.
    Must be called outside a transaction (``verification_code_check`` is durable).
    """
    state = _state(session, flow)
    users = list(User.objects.filter(pk__in=state["users"], is_active=True).order_by("username"))
    if not users:
        state["fake_failures"] += 1
        session[RECOVERY_KEY] = state
        left = sms_conf.code_max_attempts() - state["fake_failures"]
        record_event(constants.RECOVERY_FAILED, outcome=FAILURE, durable=True, after={"flow": flow})
        if left <= 0:
            raise VerificationCodeInvalid(
                "短信验证码错误次数过多，已失效，请重新获取", code="sms_code.locked"
            )
        raise VerificationCodeInvalid(f"短信验证码错误，还可尝试{left}次", code="sms_code.wrong")
    try:
        verification_code_check(mobile=users[0].mobile, purpose=FLOWS[flow], code=code)
    except VerificationCodeInvalid:
        record_event(
            constants.RECOVERY_FAILED,
            actor=users[0],
            subject=users[0],
            outcome=FAILURE,
            durable=True,
            after={"flow": flow},
        )
        raise
    state["verified"] = True
    state["started"] = time.time()  # the reset step gets its own period
    session[RECOVERY_KEY] = state
    record_event(
        constants.RECOVERY_VERIFIED, actor=users[0], subject=users[0], after={"flow": flow}
    )
    if flow == "username":
        record_event(
            constants.USERNAMES_SHOWN,
            actor=users[0],
            subject=users[0],
            after={"accounts": [u.pk for u in users]},
        )
    return users


def verified_users(*, session: SessionBase, flow: str) -> list[User]:
    """The accounts the code proved in this session (empty if it did not)."""
    try:
        state = _state(session, flow)
    except RecoveryExpired:
        return []
    if not state.get("verified"):
        return []
    return list(User.objects.filter(pk__in=state["users"], is_active=True).order_by("username"))


def recovery_unlock(*, session: SessionBase) -> User:
    """ACC-2 self-service: unlock the account the code proved."""
    users = verified_users(session=session, flow="unlock")
    if not users:
        raise RecoveryExpired()
    session.pop(RECOVERY_KEY, None)
    services.account_unlock(user=users[0], actor=users[0], via="sms")
    return users[0]


def recovery_password_reset(
    *, session: SessionBase, flow: str, user_id: int, password: str, confirmation: str
) -> User:
    """Set a new password (REG-4 rules) for an account the code proved; end its sessions.

    Every session of the account ends: Django ties a session to the password hash
    (``HASH_SESSION_KEY``), so a new hash signs out every browser at its next request. The
    lock and the counter are cleared (the code proved the bound mobile, as an unlock does).
    """
    users = {u.pk: u for u in verified_users(session=session, flow=flow)}
    if not users:
        raise RecoveryExpired()
    user_pk = id_from_text(str(user_id))
    user = users.get(user_pk) if user_pk is not None else None
    if user is None:
        raise ValidationFailed("请选择要重置密码的账号", code="recovery.account", field="account")
    rules.password_validate(
        password,
        username=user.username,
        mobile=user.mobile or "",
        birth_date=birth_date_of(id_type=user.id_type, number=user.id_number or ""),
    )
    rules.password_confirm_validate(password, confirmation)
    if user.check_password(password):
        raise ValidationFailed("新密码不能与原密码相同", code="password.same", field="password")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        services.account_unlock(user=user, actor=user, via="password_reset")
        services.failures_reset(user=user)
        record_event(constants.PASSWORD_RESET, actor=user, subject=user, after={"flow": flow})
    session.pop(RECOVERY_KEY, None)
    return user
