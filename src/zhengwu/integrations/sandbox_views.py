"""The sandbox pages: the SMS "phone" and the face-check "app" (only with ZHENGWU_SANDBOX).

The URLs are mounted only when the sandbox is on (``zhengwu.urls``); every view checks it
again, so a sandbox page can never answer in a deployment that switched the sandbox off.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import ZhengwuError

from . import conf, selectors
from .identity.qr import qr_svg
from .identity.sandbox import SandboxIdentityProvider, phone_url, sandbox_face_check_decide
from .sms.sandbox import FAILURE_SUFFIXES, gateway_outage, set_gateway_outage

View = Callable[..., HttpResponse]


def sandbox_only(view: View) -> View:
    """404 unless ZHENGWU_SANDBOX is on (second line of defence behind the URL mounting)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not conf.sandbox_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@sandbox_only
@require_GET
def sms_outbox(request: HttpRequest) -> HttpResponse:
    """The messages the sandbox gateway received, newest first; htmx refreshes the rows."""
    mobile = request.GET.get("mobile", "")
    context: dict[str, object] = {
        "messages_list": selectors.sandbox_sms_list(mobile=mobile),
        "mobile": mobile,
    }
    if getattr(request, "htmx", False):
        return render(request, "integrations/_sms_rows.html", context)
    context["outage"] = gateway_outage()
    context["failure_numbers"] = [(suffix, outcome) for suffix, outcome in FAILURE_SUFFIXES.items()]
    return render(request, "integrations/sandbox_sms.html", context)


@sandbox_only
@require_POST
def sms_outage(request: HttpRequest) -> HttpResponse:
    """POST outage=on|off: simulate the whole SMS gateway down, or bring it back."""
    state = request.POST.get("outage")
    if state not in {"on", "off"}:
        return HttpResponse(_("网关状态只能是“故障”或“恢复”"), status=400)
    set_gateway_outage(state == "on")
    return redirect("sandbox:sms")


@sandbox_only
@require_GET
def face_checks(request: HttpRequest) -> HttpResponse:
    """Pending face checks with the 通过 / 不通过 buttons, and the latest decided ones."""
    open_checks = [
        # segno writes the SVG itself; the payload is our own URL.
        (check, mark_safe(qr_svg(phone_url(check.token), scale=2)))
        for check in selectors.sandbox_face_checks_open()
    ]
    context = {"open_checks": open_checks, "recent": selectors.sandbox_face_checks_recent()}
    if getattr(request, "htmx", False):
        return render(request, "integrations/_face_check_lists.html", context)
    return render(request, "integrations/sandbox_identity.html", context)


@sandbox_only
@require_GET
def face_check_phone(request: HttpRequest, token: str) -> HttpResponse:
    """The page the QR code opens: what the person is asked to confirm, and the buttons."""
    check = selectors.sandbox_face_check_get(token=token)
    if check is None:
        raise Http404
    return render(request, "integrations/sandbox_phone.html", {"check": check})


@sandbox_only
@require_POST
def face_check_decide(request: HttpRequest, token: str) -> HttpResponse:
    """POST decision=pass|fail (+ reason): decide the check as the app would."""
    decision = request.POST.get("decision")
    if decision not in {"pass", "fail"}:
        return HttpResponse(_("识别结果只能是“通过”或“不通过”"), status=400)
    error: ZhengwuError | None = None
    try:
        sandbox_face_check_decide(
            token=token,
            passed=decision == "pass",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ZhengwuError as exc:
        if exc.status == 404:
            raise Http404 from exc
        error = exc
    check = selectors.sandbox_face_check_get(token=token)
    status = error.status if error else 200
    if getattr(request, "htmx", False):
        return render(
            request,
            "integrations/_face_check_row.html",
            {"check": check, "error": error},
            status=status,
        )
    if error is None:
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    return render(
        request,
        "integrations/sandbox_phone.html",
        {"check": check, "error": error},
        status=status,
    )


@sandbox_only
@require_GET
def face_check_status(request: HttpRequest, token: str) -> JsonResponse:
    """JSON for a waiting page: ``{"status", "reason", "expires_at", "seconds_left"}``."""
    check = selectors.sandbox_face_check_get(token=token)
    if check is None:
        return JsonResponse(
            {"code": "identity.unknown_check", "message": "人脸识别记录不存在"}, status=404
        )
    result = SandboxIdentityProvider().get_result(token)
    seconds_left = max(0, int((check.expires_at - timezone.now()).total_seconds()))
    return JsonResponse(
        {
            "status": result.status.value,
            "reason": result.reason,
            "expires_at": check.expires_at.isoformat(),
            "seconds_left": seconds_left if not result.is_final else 0,
        }
    )
