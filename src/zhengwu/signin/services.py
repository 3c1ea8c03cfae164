"""Sign-in, lockout and unlock (ACC-1, ACC-2), and the audit of every step (ACC-8).

A sign-in attempt, in order:

1. the principal is resolved (``selectors.user_for_principal``);
2. the address limits (``throttle``): the whole address, or this account from this address,
   over its limit is refused before any password work (a locked account still gets its own
   lock message); when the principal names no account the password is still hashed once (or
   checked against a pending operator application's), so an unknown account costs the same as
   a wrong password;
3. the password is checked even when the account is locked (same work again); a locked
   account is refused with the lock message whatever the password;
4. a wrong password adds one to the account's counter with a conditional ``UPDATE`` (two
   simultaneous wrong passwords both count); the ``UPDATE`` that takes the counter to
   ``ZHENGWU_SIGNIN_MAX_FAILURES`` sets ``locked_at`` (only one request can), audits the lock
   and sends the ``account.locked`` SMS; a right password resets the counter.

Messages never say whether the account exists: a wrong principal and a wrong password get the
same message, and a principal that names no account "locks" after as many failures as a real
one (``throttle.ghost_failure``).
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.errors import PermissionDenied
from zhengwu.core.masking import mask_middle, mask_name
from zhengwu.notifications.services import sms_send

from . import conf, constants, selectors, throttle
from .errors import (
    SIGNIN_FAILED_MESSAGE,
    AccountLocked,
    OperatorPending,
    SignInFailed,
    SignInThrottled,
)
from .models import SignInState

#: Session key of the time of the last request (the idle timeout, ``middleware``).
LAST_ACTIVITY_KEY = "signin_last_activity"
BACKEND = "django.contrib.auth.backends.ModelBackend"
FAILURE = AuditEvent.Outcome.FAILURE


def lock_message() -> str:
    """ACC-2: the seed's words (000 FAQ 9) and where to turn."""
    return (
        f"密码输入次数过多，您的账号已被锁定。您可通过绑定的手机号自助解锁，"
        f"或拨打法人账户专线{conf.account_hotline()}"
    )


def masked_principal(principal: str) -> str:
    """What the audit log keeps of a typed principal: enough to spot a pattern, not the value."""
    value = (principal or "").strip()[:40]
    if len(value) <= 4:
        return "*" * len(value)
    return mask_middle(value, keep_start=2, keep_end=2)


def _state_row(user: User) -> None:
    """Create the user's lockout row if it does not exist yet (safe under concurrency)."""
    SignInState.objects.get_or_create(user=user)


def _count_failure(user: User) -> tuple[int, bool]:
    """Add one wrong password; ``(count, locked_now)``. Runs in its own transaction."""
    now = timezone.now()
    limit = conf.max_failures()
    with transaction.atomic():
        _state_row(user)
        # The row lock taken by this UPDATE serialises simultaneous failures of one account.
        SignInState.objects.filter(user=user).update(
            failed_attempts=F("failed_attempts") + 1, last_failure_at=now
        )
        locked_now = (
            SignInState.objects.filter(
                user=user, locked_at__isnull=True, failed_attempts__gte=limit
            ).update(locked_at=now)
            == 1
        )
        count = (
            SignInState.objects.filter(user=user).values_list("failed_attempts", flat=True).get()
        )
        if locked_now:
            record_event(
                constants.ACCOUNT_LOCKED,
                actor=user,
                subject=user,
                after={"failed_attempts": count, "limit": limit},
            )
            if user.mobile:
                sms_send(
                    mobile=user.mobile,
                    template="account.locked",
                    params={"username": user.username},
                    actor=user,
                    subject=user,
                )
    return count, locked_now


def _fail(reason: str, *, principal: str, tab: str, user: User | None = None, **extra: Any) -> None:
    record_event(
        constants.SIGNIN_FAILED,
        actor=user if user is not None else masked_principal(principal),
        subject=user,
        outcome=FAILURE,
        durable=True,
        after={"reason": reason, "tab": tab, "principal": masked_principal(principal), **extra},
    )


def _failed(count: int) -> SignInFailed:
    """账号或密码错误, and from the ``warn_from``-th failure on how many attempts are left."""
    left = conf.max_failures() - count
    if count >= conf.warn_from() and left > 0:
        return SignInFailed(f"{SIGNIN_FAILED_MESSAGE}，还可尝试{left}次")
    return SignInFailed()


def _throttled(*, principal: str, tab: str, retry: int, limit: str) -> SignInThrottled:
    record_event(
        constants.SIGNIN_THROTTLED,
        actor=masked_principal(principal),
        outcome=FAILURE,
        durable=True,
        after={
            "tab": tab,
            "principal": masked_principal(principal),
            "retry_after": retry,
            "limit": limit,
        },
    )
    minutes = math.ceil(retry / 60)
    if limit == "address":
        return SignInThrottled(
            f"该网络地址登录失败次数过多（同一网络地址每{conf.ip_window_seconds() // 60}分钟"
            f"最多{conf.ip_max_failures()}次），请{minutes}分钟后再试",
            code="signin.throttled_address",
            field="login",
        )
    return SignInThrottled(
        f"该账号在此网络地址登录失败次数过多（同一账号每{conf.ip_window_seconds() // 60}分钟"
        f"最多{conf.ip_account_max_failures()}次），请{minutes}分钟后再试",
        code="signin.throttled_account",
        field="login",
    )


def pending_message(application: Any) -> str:
    """F: who decides a pending operator application (names masked, core.masking)."""
    organisation = application.organisation
    approvers = selectors.application_approvers(organisation)
    legal = [mask_name(name) for name in approvers["legal_representative"]]
    admins = [mask_name(name) for name in approvers["administrator"]]
    who = f"单位法定代表人{'、'.join(legal)}"
    if admins:
        who += f"或管理员{'、'.join(admins)}"
    return (
        f"您在“{organisation.name}”的经办人申请正在等待审批，请联系{who}"
        "登录后在“组织中心—经办人申请”中审批"
    )


def signin_check(*, tab: str, principal: str, password: str, ip: str | None) -> User:
    """The account ``principal`` + ``password`` sign in to, or an error (ACC-1, ACC-2).

    Raises ``AccountLocked`` (the seed's lock message; the account stays locked whatever the
    password, and it is shown even when an address limit applies), ``SignInThrottled`` (the
    address, or this account from this address, over its limit; the message says which),
    ``OperatorPending`` (the right password of an application awaiting approval) or
    ``SignInFailed`` (one message for an unknown principal and a wrong password, with the
    attempts left from the ``ZHENGWU_SIGNIN_WARN_FROM``-th failure on). Every outcome is
    audited; failures durably. The caller starts the session with ``session_start``.
    """
    resolution = selectors.user_for_principal(tab=tab, principal=principal)
    user = resolution.user
    state = selectors.signin_state_for(user) if user is not None else None
    locked = (
        state is not None and state.is_locked
        if user is not None
        else throttle.ghost_count(principal) >= conf.max_failures()
    )
    for limit, retry in (
        ("address", throttle.ip_retry_after(ip)),
        ("account", throttle.pair_retry_after(ip, principal)),
    ):
        if retry:
            if locked:  # the account's own state comes first: its lock says what to do
                _fail(constants.REASON_LOCKED, principal=principal, tab=tab, user=user)
                raise AccountLocked(lock_message(), field="login")
            raise _throttled(principal=principal, tab=tab, retry=retry, limit=limit)
    if user is None:
        application = (
            selectors.pending_application_for(principal)
            if tab == constants.Tab.LEGAL_PERSON and not locked
            else None
        )
        if application is not None and check_password(password, application.password_hash):
            _fail(constants.REASON_PENDING, principal=principal, tab=tab)
            raise OperatorPending(pending_message(application), field="login")
        if application is None:
            make_password(password)  # the work of a real check: timing does not tell
        throttle.ip_failure(ip, principal)
        count = throttle.ghost_failure(principal)
        _fail(resolution.reason, principal=principal, tab=tab, via=resolution.via)
        if count >= conf.max_failures():
            raise AccountLocked(lock_message(), field="login")
        raise _failed(count)
    password_ok = user.check_password(password)
    if locked:
        if not password_ok:
            throttle.ip_failure(ip, principal)
        _fail(constants.REASON_LOCKED, principal=principal, tab=tab, user=user)
        raise AccountLocked(lock_message(), field="login")
    if not password_ok:
        throttle.ip_failure(ip, principal)
        count, _locked_now = _count_failure(user)
        _fail(
            constants.REASON_PASSWORD,
            principal=principal,
            tab=tab,
            user=user,
            failed_attempts=count,
        )
        if count >= conf.max_failures():
            raise AccountLocked(lock_message(), field="login")
        raise _failed(count)
    # A success resets the counter (not a lock taken meanwhile by a simultaneous failure).
    SignInState.objects.filter(user=user, locked_at__isnull=True, failed_attempts__gt=0).update(
        failed_attempts=0, last_failure_at=None
    )
    if SignInState.objects.filter(user=user, locked_at__isnull=False).exists():
        _fail(constants.REASON_LOCKED, principal=principal, tab=tab, user=user)
        raise AccountLocked(lock_message(), field="login")
    user._signin_via = resolution.via  # type: ignore[attr-defined]
    return user


def session_start(request: HttpRequest, user: User, *, tab: str) -> None:
    """Sign ``user`` in: a new session key (Django's ``login`` rotates it: no fixation), the
    idle clock started, the success audited."""
    login(request, user, backend=BACKEND)
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    request.session.set_expiry(conf.idle_seconds() + 300)
    record_event(
        constants.SIGNED_IN,
        actor=user,
        subject=user,
        after={"tab": tab, "via": getattr(user, "_signin_via", "username")},
        request=request,
    )


def session_end(request: HttpRequest, *, timed_out: bool = False) -> None:
    """Sign out (or time out) and audit it; the session is flushed."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        record_event(
            constants.SESSION_TIMED_OUT if timed_out else constants.SIGNED_OUT,
            actor=user,
            subject=user,
            request=request,
        )
    logout(request)


def account_unlock(*, user: User, actor: Any, via: str) -> bool:
    """Unlock ``user`` and reset the counter; ``False`` if it was not locked. ``via`` is
    ``support`` (a staff member, ``actor``) or ``sms`` (the owner, by a code)."""
    with transaction.atomic():
        changed = SignInState.objects.filter(user=user, locked_at__isnull=False).update(
            failed_attempts=0, locked_at=None, last_failure_at=None
        )
        if changed:
            record_event(constants.ACCOUNT_UNLOCKED, actor=actor, subject=user, after={"via": via})
    return bool(changed)


def account_unlock_by_support(*, user_id: int, actor: Any) -> User:
    """Support (``signin.unlock_account``, group 客服人员) unlocks an account."""
    if not (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.has_perm("signin.unlock_account")
    ):
        raise PermissionDenied()
    user = User.objects.get(pk=user_id)
    account_unlock(user=user, actor=actor, via="support")
    return user


def failures_reset(*, user: User) -> None:
    """Clear the counter and any lock after a password reset by SMS (the same proof as an
    unlock)."""
    SignInState.objects.filter(user=user).update(
        failed_attempts=0, locked_at=None, last_failure_at=None
    )
