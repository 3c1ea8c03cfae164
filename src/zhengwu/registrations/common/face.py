"""The face-check step shared by every registration page (实名认证 / 人脸识别).

A page shows the QR code of a check bound to a person's ID number and polls its result with
htmx. The wizard (REG-6), natural persons (REG-11), the agent (REG-10) and the legal
representative signing the authorisation letter (REG-10) differ only in which object holds
the check, which service starts and polls it, and where a pass leads: ``FaceStep`` says that,
``face_page`` and ``face_status`` do the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as gettext_now

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ZhengwuError
from zhengwu.integrations.identity.base import FaceCheckResult, IdentityProvider
from zhengwu.integrations.identity.qr import qr_svg
from zhengwu.integrations.loading import get_provider

#: htmx stops polling on this status.
STOP_POLLING = 286


@dataclass(frozen=True)
class FaceStep:
    """One face check: how to start it, poll it, and read it from its holder ``obj``.

    ``start(obj)`` and ``poll(obj)`` call the service (``ZhengwuError`` becomes a message);
    ``payload(obj)`` is the QR payload of the current check ("" when none was started).
    """

    start: Callable[[Any], Any]
    poll: Callable[[Any], FaceCheckResult]
    payload: Callable[[Any], str]
    status_template: str


def face_page(
    request: HttpRequest,
    step: FaceStep,
    obj: Any,
    *,
    template: str,
    context: dict[str, Any],
    self_url: str,
) -> HttpResponse:
    """The QR page: a check is started on the first visit and on 重新获取二维码 (POST, then
    redirect to ``self_url``); the page then polls ``face_status``."""
    error = ""
    if request.method == "POST" or not step.payload(obj):
        try:
            step.start(obj)
        except ZhengwuError as exc:
            error = exc.message
        if request.method == "POST":
            return redirect(self_url)
    obj.refresh_from_db()
    payload = step.payload(obj)
    qr = qr_svg(payload, title=gettext_now("实名认证二维码")) if payload else ""
    return render(request, template, {**context, "qr": qr, "error": error})


def face_status(
    request: HttpRequest,
    step: FaceStep,
    obj: Any | None,
    *,
    passed_url: str | Callable[[], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """htmx poll: pending → keep polling; passed → ``HX-Redirect`` to ``passed_url``;
    failed / expired → the step's message (and whatever it offers next)."""
    if obj is None:
        return HttpResponse(status=STOP_POLLING)
    extra = context or {}
    try:
        result = step.poll(obj)
    except ZhengwuError as exc:
        return render(request, step.status_template, {**extra, "error": exc.message})
    if result.is_passed:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = passed_url() if callable(passed_url) else passed_url
        return response
    return render(request, step.status_template, {**extra, "result": result})


def identity_provider() -> IdentityProvider:
    """The identity provider (``ZHENGWU_IDENTITY_BACKEND``) every face step asks."""
    provider: IdentityProvider = get_provider("ZHENGWU_IDENTITY_BACKEND", IdentityProvider)
    return provider


def face_failed_record(
    event_type: str, *, actor: Any, subject: Any, result: FaceCheckResult
) -> None:
    """A face check that ended without a pass, audited durably (it survives a rollback)."""
    record_event(
        event_type,
        actor=actor,
        subject=subject,
        after={"status": str(result.status)},
        outcome="failure",
        durable=True,
    )
