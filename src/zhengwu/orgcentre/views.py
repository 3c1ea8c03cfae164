"""Pages of the organisation centre (组织中心, ACC-4, ACC-5): parse, call one service, render.

Every organisation page is reached through ``membership_get_for_user``: somebody who is not
an active member of the organisation gets 404 (so does a plain operator on the pages of the
legal representative and administrators). Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership
from zhengwu.accounts.selectors import (
    is_manager,
    member_get,
    members_of,
    membership_get_for_user,
    memberships_of,
)
from zhengwu.core.errors import NotFound, ZhengwuError
from zhengwu.registrations.common.sms import sms_code_sent
from zhengwu.registrations.wizard.reviews import operator_applications_shown

from . import selectors, services
from .errors import PendingApplicationExists
from .forms import (
    MobileChangeForm,
    OperatorAddForm,
    OperatorChangeForm,
    PasswordChangeForm,
    PasswordSetForm,
)

OrgView = Callable[..., HttpResponse]


def _add_error(form: forms.Form, exc: ZhengwuError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def org_page(*, managers_only: bool = False) -> Callable[[OrgView], OrgView]:
    """Resolve ``org_id`` to the signed-in user's own membership (404 otherwise) and pass it
    to the view; ``managers_only`` pages also 404 for plain operators."""

    def decorator(view: OrgView) -> OrgView:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, org_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                membership = membership_get_for_user(user=request.user, organisation_id=org_id)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            if managers_only and not is_manager(membership):
                raise Http404
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def _member_or_404(membership: Membership, member_id: int) -> Membership:
    try:
        return member_get(organisation=membership.organisation, pk=member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """组织中心: the organisations the user acts for (straight in when there is one)."""
    memberships = list(memberships_of(user=request.user))
    if not memberships:
        raise Http404
    if len(memberships) == 1:
        return redirect("orgcentre:dashboard", org_id=memberships[0].organisation_id)
    return render(request, "orgcentre/index.html", {"memberships": memberships})


@org_page()
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    context: dict[str, Any] = {
        "membership": membership,
        "organisation": organisation,
        "nav": "home",
    }
    if is_manager(membership):
        context["pending_count"] = selectors.pending_applications_of(
            organisation=organisation
        ).count()
        context["member_count"] = members_of(organisation=organisation).count()
    return render(request, "orgcentre/dashboard.html", context)


def _operators_page(
    request: HttpRequest, membership: Membership, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "orgcentre/operators.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "members": members_of(organisation=membership.organisation),
            "is_legal_rep": membership.role == Role.LEGAL_REPRESENTATIVE,
            "error": error,
            "nav": "operators",
        },
        status=status,
    )


@org_page(managers_only=True)
def operators(request: HttpRequest, membership: Membership) -> HttpResponse:
    """经办人管理: every member with masked ID and mobile, and what the viewer may do."""
    return _operators_page(request, membership)


@org_page(managers_only=True)
def operator_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """添加经办人 (REG-8 administrator case)."""
    form = OperatorAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.operator_add(
                actor=request.user,  # type: ignore[arg-type]
                organisation=membership.organisation,
                **form.cleaned_data,
            )
        except PendingApplicationExists as exc:
            messages.warning(request, exc.message)
            url = reverse("orgcentre:applications", kwargs={"org_id": membership.organisation_id})
            return redirect(f"{url}#application-{exc.application_id}")
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                gettext_now("已添加经办人“%(username)s”，设置密码的链接已通过短信发送")
                % {"username": added.user.username},
            )
            return redirect("orgcentre:operators", org_id=membership.organisation_id)
    return render(
        request,
        "orgcentre/operator_add.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "form": form,
            "nav": "operators",
        },
    )


@org_page(managers_only=True)
def operator_detail(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    """变更使用人信息 (ACC-4): the form starts from the current (masked) values."""
    member = _member_or_404(membership, member_id)
    form = OperatorChangeForm(
        request.POST or None,
        initial={"real_name": member.user.real_name, "id_type": member.user.id_type},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.operator_details_change(
                actor=request.user,  # type: ignore[arg-type]
                organisation=membership.organisation,
                member_id=member.pk,
                **form.cleaned_data,
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                gettext_now("经办人信息已变更") if changed else gettext_now("信息未变化"),
            )
            return redirect("orgcentre:operators", org_id=membership.organisation_id)
    return render(
        request,
        "orgcentre/operator_detail.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "member": member,
            "form": form,
            "nav": "operators",
        },
    )


def _member_action(
    service: Callable[..., Any], done: str
) -> Callable[[HttpRequest, Membership, int], HttpResponse]:
    @require_POST
    def action(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
        member = _member_or_404(membership, member_id)
        try:
            service(actor=request.user, organisation=membership.organisation, member_id=member.pk)
        except ZhengwuError as exc:
            return _operators_page(request, membership, error=exc.message, status=exc.status)
        messages.success(request, gettext_now(done) % {"name": member.user.username})
        return redirect("orgcentre:operators", org_id=membership.organisation_id)

    return action


operator_disable = org_page(managers_only=True)(
    _member_action(services.operator_disable, "已停用“%(name)s”")
)
operator_enable = org_page(managers_only=True)(
    _member_action(services.operator_enable, "已启用“%(name)s”")
)
operator_activation_resend = org_page(managers_only=True)(
    _member_action(services.operator_activation_resend, "已重新发送“%(name)s”的设置密码链接")
)
administrator_grant = org_page(managers_only=True)(
    _member_action(services.administrator_grant, "已授权“%(name)s”为管理员")
)
administrator_revoke = org_page(managers_only=True)(
    _member_action(services.administrator_revoke, "已取消“%(name)s”的管理员权限")
)


@org_page(managers_only=True)
def applications(request: HttpRequest, membership: Membership) -> HttpResponse:
    """经办人申请 of this organisation; 同意/拒绝 use the registration pages' endpoints."""
    return render(
        request,
        "orgcentre/applications.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "applications": operator_applications_shown(
                actor=request.user,
                applications=selectors.pending_applications_of(
                    organisation=membership.organisation
                ).select_related("organisation"),
                request=request,
            ),
            "nav": "applications",
        },
    )


@org_page(managers_only=True)
@require_POST
def sms_code(request: HttpRequest, membership: Membership) -> HttpResponse:
    """htmx: the code for the mobile typed in 添加经办人 / 变更使用人信息."""
    return sms_code_sent(
        request,
        lambda mobile: services.operator_sms_code_send(
            actor=request.user,  # type: ignore[arg-type]
            organisation=membership.organisation,
            mobile=mobile,
        ),
    )


# --- 账户设置 ---


def _account_page(
    request: HttpRequest,
    *,
    password_form: forms.Form | None = None,
    mobile_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    memberships = list(memberships_of(user=request.user))
    if not memberships:
        raise Http404
    return render(
        request,
        "orgcentre/account.html",
        {
            "memberships": memberships,
            "membership": memberships[0],
            "organisation": memberships[0].organisation,
            "account": request.user,
            "password_form": password_form or PasswordChangeForm(),
            "mobile_form": mobile_form or MobileChangeForm(),
            "nav": "account",
        },
        status=status,
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """账户设置: the signed-in user's own details (masked), password and mobile."""
    return _account_page(request)


@login_required
@require_POST
def account_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.account_password_change(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, gettext_now("密码已修改"))
            return redirect("orgcentre:account")
    return _account_page(request, password_form=form, status=400)


@login_required
@require_POST
def account_mobile(request: HttpRequest) -> HttpResponse:
    form = MobileChangeForm(request.POST)
    if form.is_valid():
        try:
            services.account_mobile_change(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, gettext_now("手机号已变更"))
            return redirect("orgcentre:account")
    return _account_page(request, mobile_form=form, status=400)


@login_required
@require_POST
def account_sms_code(request: HttpRequest) -> HttpResponse:
    if not memberships_of(user=request.user).exists():
        raise Http404
    return sms_code_sent(
        request,
        lambda mobile: services.account_sms_code_send(user=request.user, mobile=mobile),  # type: ignore[arg-type]
    )


@never_cache
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """设置密码 through the SMS link of an account opened in the organisation centre."""
    try:
        user = services.account_activation_user(uidb64=uidb64, token=token)
    except NotFound as exc:
        return render(request, "orgcentre/activate.html", {"invalid": exc.message}, status=404)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_password_set(uidb64=uidb64, token=token, **form.cleaned_data)
        except NotFound as exc:
            return render(request, "orgcentre/activate.html", {"invalid": exc.message}, status=404)
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            return render(
                request,
                "orgcentre/activate.html",
                {"done": True, "account": user, "login_url": resolve_url(settings.LOGIN_URL)},
            )
    return render(request, "orgcentre/activate.html", {"form": form, "account": user})
