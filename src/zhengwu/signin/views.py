"""Pages of sign-in (ACC-1), sign-out, the idle-timeout ping, and support's unlock (ACC-2).

Thin: parse the form, call one service, render. Recovery pages are in ``recovery_views``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengwu.accounts.models import User
from zhengwu.core.context import client_ip
from zhengwu.core.errors import ZhengwuError

from . import conf, selectors, services
from .constants import Tab
from .errors import AccountLocked
from .forms import LoginForm


def _tab(request: HttpRequest) -> str:
    value = request.POST.get("tab") or request.GET.get("tab") or Tab.LEGAL_PERSON
    return value if value in Tab.values else Tab.LEGAL_PERSON


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """登录: 法人登录 / 个人登录 tabs, principal + password + image captcha."""
    tab = _tab(request)
    form = LoginForm(request.POST or None, tab=tab)
    locked = False
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signin_check(
                tab=tab,
                principal=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except ZhengwuError as exc:
            locked = isinstance(exc, AccountLocked)
            form.add_error(None, exc.message)
        else:
            services.session_start(request, user, tab=tab)
            return redirect(_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "signin/login.html",
        {
            "form": form,
            "tab": tab,
            "tabs": Tab.choices,
            "next": _next(request),
            "locked": locked,
            "timed_out": request.GET.get("timeout") == "1",
            "unlocked": request.GET.get("unlocked") == "1",
            "reset_done": request.GET.get("reset") == "1",
        },
        status=200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request)
    return redirect("signin:login")


@require_POST
def session_ping(request: HttpRequest) -> HttpResponse:
    """继续使用: the page's script extends the idle clock (the middleware checked it first)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "code": "session.timed_out",
                "message": "长时间未操作，已自动退出，请重新登录",
                "field": None,
            },
            status=401,
        )
    request.session[services.LAST_ACTIVITY_KEY] = int(time.time())
    return JsonResponse({"remaining": conf.idle_seconds()})


def _require_support(request: HttpRequest) -> None:
    if not request.user.has_perm("signin.unlock_account"):
        raise DjangoPermissionDenied


@login_required
@never_cache
def staff_locked(request: HttpRequest) -> HttpResponse:
    """客服人员: the locked accounts, with an unlock button each."""
    _require_support(request)
    return render(
        request, "signin/staff_locked.html", {"states": selectors.locked_accounts()[:200]}
    )


@login_required
@require_POST
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_support(request)
    user = get_object_or_404(User, pk=user_id)
    services.account_unlock_by_support(user_id=user.pk, actor=request.user)
    return redirect("signin:staff_locked")


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where a sign-in without ``next`` lands (``LOGIN_REDIRECT_URL``), by kind of account:
    legal-person and natural-person accounts on their 用户空间 (``workspace:home``: the unit,
    企业码, 证照, 办件, 组织中心, 消息, 账号安全), staff on the review queues when they may
    review, else the home page."""
    user = request.user
    kind = getattr(user, "kind", "")
    if kind in (User.Kind.LEGAL_PERSON, User.Kind.NATURAL_PERSON):
        return redirect("workspace:home")  # 用户空间 (issue 11)
    if kind == User.Kind.STAFF and user.has_perm("reviews.review_case"):
        return redirect("reviews:index")
    return redirect("portal:home")
