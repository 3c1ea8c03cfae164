"""用户空间: where a sign-in lands — the unit(s), 企业码, 我的证照, 我的办件, 组织中心, 消息 and
账号安全 — and the message centre and account-security pages."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.core.parsing import id_from_text
from zhengwu.notifications.selectors import inbox_of, inbox_unread_count
from zhengwu.notifications.services import inbox_mark_read

from . import selectors, services
from .cases import cases_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "units": selectors.units_of(user=user),
        "cases": cases_for(user)[:10],
        "recent_messages": list(inbox_of(user=user)[:3]),
        "unread": inbox_unread_count(user=user),
        "last_signins": selectors.recent_signins(user=user, limit=2),
        "is_legal_person": getattr(user, "kind", "") == "legal_person",
    }
    return render(request, "workspace/home.html", context)


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workspace/messages.html",
        {"inbox": list(inbox_of(user=request.user)[:200])},
    )


@login_required
@require_POST
def message_read(request: HttpRequest) -> HttpResponse:
    """标为已读: one message (``pk``) or all of the owner's (no ``pk``). A ``pk`` that is not
    an id marks nothing."""
    raw = request.POST.get("pk", "")
    pk = id_from_text(raw)
    if pk is not None or not raw:
        inbox_mark_read(user=request.user, pk=pk)
    return redirect("workspace:messages")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    current = request.session.session_key
    records = selectors.recent_signins(user=request.user)
    open_keys = {r.session_key for r in selectors.open_sessions(user=request.user)}
    rows = [
        {
            "record": r,
            "device": selectors.device_label(r.user_agent),
            "is_open": r.session_key in open_keys,
            "is_current": bool(current) and r.session_key == current,
        }
        for r in records
    ]
    return render(
        request,
        "workspace/security.html",
        {"rows": rows, "others_open": sum(1 for k in open_keys if k != current)},
    )


@login_required
@require_POST
def sign_out_others(request: HttpRequest) -> HttpResponse:
    ended = services.sessions_end_others(request=request, user=request.user)
    flash.success(request, _("已退出其他 %(count)d 个设备上的登录。") % {"count": ended})
    return redirect("workspace:security")


@login_required
@require_POST
def not_me(request: HttpRequest) -> HttpResponse:
    """这不是我: lock the account, end every session (this one too), tell support."""
    raw = request.POST.get("record", "")
    services.account_report_not_me(request=request, user=request.user, record_id=id_from_text(raw))
    logout(request)
    return render(request, "workspace/not_me_done.html")
