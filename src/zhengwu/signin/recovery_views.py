"""Pages of recovery (ACC-3) and the self-service unlock (ACC-2): 确认账号 → 验证方式 →
重置密码. The pages and messages are the same whether or not an account matched."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from zhengwu import identifiers
from zhengwu.core.errors import ZhengwuError

from . import recovery, selectors
from .constants import Tab
from .forms import CodeForm, PrincipalForm, ResetForm, UsernameRecoveryForm
from .services import masked_principal

TITLES = {"password": _("找回密码"), "username": _("找回用户名"), "unlock": _("自助解锁")}
STEPS = [_("确认账号"), _("验证方式"), _("重置密码")]
UNLOCK_STEPS = [_("确认账号"), _("验证方式"), _("解锁成功")]


def _flow(flow: str) -> str:
    if flow not in TITLES:
        raise Http404
    return flow


def _tab(request: HttpRequest) -> str:
    value = request.POST.get("tab") or request.GET.get("tab") or Tab.LEGAL_PERSON
    return value if value in Tab.values else Tab.LEGAL_PERSON


def _page(request: HttpRequest, flow: str, step: int, **context: object) -> HttpResponse:
    return render(
        request,
        f"signin/recover_{'code' if step == 2 else 'start'}.html"
        if step < 3
        else "signin/recover_reset.html",
        {
            "flow": flow,
            "title": TITLES[flow],
            "steps": UNLOCK_STEPS if flow == "unlock" else STEPS,
            "step": step,
            **context,
        },
    )


@never_cache
def start(request: HttpRequest, flow: str) -> HttpResponse:
    """Step 1 of 找回密码 and 自助解锁: the account (as on the login page) + captcha."""
    flow = _flow(flow)
    if flow == "username":
        return username_start(request)
    if flow == "password" and _by_unit(request):
        return unit_start(request, "password")
    tab = _tab(request)
    form = PrincipalForm(request.POST or None, tab=tab)
    if request.method == "POST" and form.is_valid():
        principal = form.cleaned_data["login"]
        user = selectors.user_for_principal(tab=tab, principal=principal).user
        if flow == "unlock":  # one query either way: an unknown account costs the same
            user = user if selectors.is_locked(user) else None
        try:
            recovery.recovery_start(
                session=request.session,
                flow=flow,
                users=[user] if user is not None else [],
                principal_key=principal.strip().upper(),
                actor=masked_principal(principal),
            )
        except ZhengwuError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("signin:recover_verify", flow=flow)
    return _page(
        request, flow, 1, form=form, tab=tab, tabs=Tab.choices, by_unit=False, ways=_ways(flow)
    )


def _by_unit(request: HttpRequest) -> bool:
    return (request.POST.get("by") or request.GET.get("by")) == "unit"


def _ways(flow: str) -> list[tuple[str, object]]:
    """忘记密码 offers two routes (seed 000 FAQ 7: 忘记密码 → 手机号和单位编号找回)."""
    if flow != "password":
        return []
    return [("account", _("通过账号找回")), ("unit", _("通过手机号和单位编号找回"))]


def username_start(request: HttpRequest) -> HttpResponse:
    return unit_start(request, "username")


def unit_start(request: HttpRequest, flow: str) -> HttpResponse:
    """Step 1 of 找回用户名, and of 找回密码 by 手机号和单位编号 (seed 000 FAQ 7): 手机号和单位编号
    or 身份证号和单位编号 + captcha. The code proves every account of the unit bound to that
    mobile; the reset page lets the person pick the account."""
    form = UsernameRecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_mobile = data["method"] == "mobile"
        person = identifiers.mobile.normalise(data["mobile"]) if by_mobile else data["id_number"]
        users = selectors.accounts_for_recovery(
            unit_code=data["unit_code"],
            mobile=person if by_mobile else "",
            id_number="" if by_mobile else person,
        )
        key = f"{data['method']}:{person.strip().upper()}:{data['unit_code'].strip().upper()}"
        try:
            recovery.recovery_start(
                session=request.session,
                flow=flow,
                users=users,
                principal_key=key,
                actor=masked_principal(person),
            )
        except ZhengwuError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("signin:recover_verify", flow=flow)
    return _page(request, flow, 1, form=form, by_unit=True, ways=_ways(flow))


@never_cache
def verify(request: HttpRequest, flow: str) -> HttpResponse:
    """Step 2: the SMS code. Then the reset page, the usernames, or the unlock."""
    flow = _flow(flow)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.recovery_verify(
                session=request.session, flow=flow, code=form.cleaned_data["sms_code"]
            )
            if flow == "unlock":
                recovery.recovery_unlock(session=request.session)
                return redirect(reverse("signin:login") + "?unlocked=1")
        except ZhengwuError as exc:
            form.add_error("sms_code" if exc.field in (None, "sms_code") else None, exc.message)
        else:
            return redirect("signin:recover_reset", flow=flow)
    return _page(
        request,
        flow,
        2,
        form=form,
        # The page itself never says: its fragment polls ``sms_state`` (the same first page
        # whether or not an account matched).
        sms_state="sending",
        sent_message=recovery.SENT_MESSAGE,
    )


@never_cache
def sms_state(request: HttpRequest, flow: str) -> HttpResponse:
    """htmx: the state of this recovery's code (sending / sent / failed), polled while sending
    (every 2 s; an unknown account reads "sent" at the first poll, a real one once delivered).

    Keyed by the opaque ticket kept in the session: nothing in the URL or the answer says
    whether an account matched."""
    flow = _flow(flow)
    return render(
        request,
        "signin/_sms_state.html",
        {
            "flow": flow,
            "sms_state": recovery.recovery_sms_state(session=request.session, flow=flow),
            "sent_message": recovery.SENT_MESSAGE,
        },
    )


@never_cache
def reset(request: HttpRequest, flow: str) -> HttpResponse:
    """Step 3: the usernames (找回用户名) and the new password."""
    flow = _flow(flow)
    if flow == "unlock":
        raise Http404
    users = recovery.verified_users(session=request.session, flow=flow)
    if not users:
        return redirect("signin:recover", flow=flow)
    form = ResetForm(request.POST or None, accounts=[(u.pk, u.username) for u in users])
    if request.method == "POST" and form.is_valid():
        try:
            recovery.recovery_password_reset(
                session=request.session,
                flow=flow,
                user_id=form.cleaned_data["account"],
                password=form.cleaned_data["password"],
                confirmation=form.cleaned_data["password_confirm"],
            )
        except ZhengwuError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            return redirect(reverse("signin:login") + "?reset=1")
    return _page(request, flow, 3, form=form, users=users)
