"""The sandbox identity provider: a person (or a documented input) plays the mobile app.

``start_check`` stores a ``SandboxFaceCheck`` and returns a QR payload pointing at the sandbox
"phone" page of that check (``/sandbox/identity/<token>/``, absolute under
``ZHENGWU_SITE_URL``): scanning it with a real phone, or opening ``/sandbox/identity/`` on the
desktop, shows the check with the buttons 通过 / 不通过 (and an optional reason). The check
expires ``ZHENGWU_IDENTITY_CHECK_TTL_SECONDS`` (default 600 s, 10 minutes) after it started;
``get_result`` then reports ``expired`` and the buttons refuse to decide it.

Documented inputs (on the person's name), for automated tests and demos:

====================  ====================================================================
name contains         behaviour
====================  ====================================================================
``测试通过``           passed at once (no one has to press a button)
``测试不通过``         failed at once, reason “人脸比对不一致”
``测试异常``           ``start_check`` raises ``IdentityError(permanent=False)``: the
                      vendor is unavailable
(anything else)       pending until decided on the sandbox page, or expired
====================  ====================================================================

Unknown tokens raise ``IdentityError(permanent=True, code="identity.unknown_check")``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, NotFound
from zhengwu.integrations import conf
from zhengwu.integrations.models import SandboxFaceCheck

from .base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
    IdentityError,
    IdentityProvider,
)

PASS_MARKER = "测试通过"
FAIL_MARKER = "测试不通过"
UNAVAILABLE_MARKER = "测试异常"
DEFAULT_FAILURE_REASON = "人脸比对不一致"
DECIDED_BY_INPUT = "sandbox:documented-input"


def phone_url(token: str) -> str:
    """The absolute URL of the sandbox "phone" page of check ``token`` (the QR payload)."""
    try:
        path = reverse("sandbox:face_check_phone", args=[token])
    except NoReverseMatch:  # sandbox pages not mounted: keep the documented path
        path = f"/sandbox/identity/{token}/"
    return conf.site_url() + path


def _result(row: SandboxFaceCheck) -> FaceCheckResult:
    return FaceCheckResult(FaceCheckStatus(row.status), row.reason, row.decided_at)


class SandboxIdentityProvider(IdentityProvider):
    """Face checks stored in ``SandboxFaceCheck``, decided on the sandbox page."""

    def start_check(self, request: FaceCheckRequest) -> FaceCheckSession:
        """Store a pending check (or one decided by a documented input) and return its QR."""
        if UNAVAILABLE_MARKER in request.name:
            raise IdentityError(
                "实名认证服务暂不可用，请稍后再试", permanent=False, provider_code="UNAVAILABLE"
            )
        now = timezone.now()
        row = SandboxFaceCheck(
            token=secrets.token_urlsafe(24),
            name=request.name,
            id_type=request.id_type,
            id_number=request.id_number,
            purpose=request.purpose,
            subject=request.subject[:128],
            created_at=now,
            expires_at=now + conf.face_check_ttl(),
        )
        if FAIL_MARKER in request.name:
            row.status = SandboxFaceCheck.Status.FAILED
            row.reason = DEFAULT_FAILURE_REASON
            row.decided_at, row.decided_by = now, DECIDED_BY_INPUT
        elif PASS_MARKER in request.name:
            row.status = SandboxFaceCheck.Status.PASSED
            row.decided_at, row.decided_by = now, DECIDED_BY_INPUT
        row.save()
        return FaceCheckSession(row.token, phone_url(row.token), row.expires_at)

    def get_result(self, token: str) -> FaceCheckResult:
        """The check's result; a pending check past its expiry is marked expired."""
        row = SandboxFaceCheck.objects.filter(token=token).first()
        if row is None:
            raise IdentityError("人脸识别记录不存在", permanent=True, code="identity.unknown_check")
        if row.status == SandboxFaceCheck.Status.PENDING and timezone.now() >= row.expires_at:
            _expire(row)
        return _result(row)


def _expire(row: SandboxFaceCheck) -> None:
    SandboxFaceCheck.objects.filter(pk=row.pk, status=SandboxFaceCheck.Status.PENDING).update(
        status=SandboxFaceCheck.Status.EXPIRED
    )
    row.refresh_from_db(fields=["status", "reason", "decided_at"])


def sandbox_face_check_decide(
    *, token: str, passed: bool, reason: str = "", actor: Any = None
) -> SandboxFaceCheck:
    """Decide a pending sandbox face check as the "phone" would: passed, or failed with a reason.

    The update is conditional (still pending and not expired), so two clicks never decide a
    check twice. Raises ``NotFound`` for an unknown token and ``IllegalTransition`` naming the
    current state (``已过期``, ``通过``, ...) when the check can no longer be decided.
    """
    reason = reason.strip()[:200]
    if not passed and not reason:
        reason = DEFAULT_FAILURE_REASON
    new_status = SandboxFaceCheck.Status.PASSED if passed else SandboxFaceCheck.Status.FAILED
    now = timezone.now()
    with transaction.atomic():
        updated = SandboxFaceCheck.objects.filter(
            token=token, status=SandboxFaceCheck.Status.PENDING, expires_at__gt=now
        ).update(
            status=new_status,
            reason="" if passed else reason,
            decided_at=now,
            decided_by=_actor_label(actor),
        )
        if updated:
            decided = SandboxFaceCheck.objects.get(token=token)
            record_event(
                "sandbox.face_check.decided",
                actor=actor,
                subject=decided,
                before={"status": SandboxFaceCheck.Status.PENDING.value},
                after={
                    "status": decided.status,
                    **({"reason": decided.reason} if decided.reason else {}),
                },
            )
            return decided
    closed = SandboxFaceCheck.objects.filter(token=token).first()
    if closed is None:
        raise NotFound("人脸识别记录不存在", code="identity.unknown_check")
    if closed.status == SandboxFaceCheck.Status.PENDING:  # pending but past its expiry
        _expire(closed)
    raise IllegalTransition(
        f"该人脸识别当前状态为“{closed.get_status_display()}”，不能再作出识别结果",
        code="identity.check_closed",
    )


def _actor_label(actor: Any) -> str:
    if isinstance(actor, str):
        return actor[:150]
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())[:150]
    return "sandbox-page"
