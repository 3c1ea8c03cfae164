"""Pages of the manual channel (人工认证渠道, REG-9): submit, the result page, the applicant's
status page and 重新提交. Parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhengwu.accounts.identity import mobile_validate
from zhengwu.core.errors import ZhengwuError
from zhengwu.notifications.services import verification_code_send
from zhengwu.uploads.models import UploadKind

from ..common.sms import sms_code_sent
from ..constants import SMS_CODE_PURPOSE
from ..models import ManualVerification
from . import selectors as manual_selectors
from . import services as manual_services
from .constants import MANUAL_UPLOAD_KINDS, ManualStatus
from .forms import ManualForm, ManualInfoForm

SESSION_KEY = "manual_verification"
#: The step indicator of seed 001 一.3 (信息确认 → 创建用户 → 注册成功), on one page here.
STEPS = [("info", _("信息确认")), ("user", _("创建用户")), ("done", _("提交成功"))]
INFO_FIELDS = [
    name for name in ManualInfoForm.base_fields if name not in ManualInfoForm.UPLOAD_FIELDS
]


def _add_error(form: forms.Form, exc: ZhengwuError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _files(form: forms.Form) -> dict[str, Any]:
    return {kind: form.cleaned_data.get(kind) for kind in MANUAL_UPLOAD_KINDS}


def manual_start(request: HttpRequest) -> HttpResponse:
    """人工认证渠道: one page with the unit, the operator, the uploads and 创建用户."""
    form = ManualForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = manual_services.manual_verification_submit(
                data={name: data[name] for name in INFO_FIELDS},
                files=_files(form),
                username=data["username"],
                password=data["password"],
                password_confirm=data["password_confirm"],
                mobile=data["mobile"],
                sms_code=data["sms_code"],
                actor=request.user,
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            request.session[SESSION_KEY] = case.pk
            return redirect("registrations:manual_done")
    return render(
        request,
        "registrations/manual/start.html",
        {"form": form, "steps": STEPS, "current_step": "info"},
    )


@require_POST
def manual_sms_code(request: HttpRequest) -> HttpResponse:
    """htmx: send the SMS code to the mobile typed in the form (foundation rate limits)."""
    return sms_code_sent(
        request,
        lambda mobile: verification_code_send(
            mobile=mobile_validate(number=mobile), purpose=SMS_CODE_PURPOSE, actor=request.user
        ),
    )


def manual_done(request: HttpRequest) -> HttpResponse:
    """您的信息已提交: the reference, the deadline, and the way to sign in (seed 001 一.3)."""
    pk = request.session.get(SESSION_KEY)
    case = ManualVerification.objects.filter(pk=pk).first() if pk else None
    if case is None:
        return redirect("registrations:manual")
    return render(
        request,
        "registrations/manual/done.html",
        {"case": case, "steps": STEPS, "current_step": "done"},
    )


def _own_case(request: HttpRequest) -> ManualVerification:
    cases = ManualVerification.objects.filter(user_id=request.user.pk or 0)
    case = cases.order_by("-created_at").first()
    if case is None:
        raise Http404
    return case


@login_required
def manual_status(request: HttpRequest) -> HttpResponse:
    """The applicant's case: 待审核 / 通过 / 不通过 with the reason and 重新提交."""
    case = _own_case(request)
    return render(
        request,
        "registrations/manual/status.html",
        {
            "case": case,
            "reupload_labels": [UploadKind(k).label for k in case.reupload_kinds or []],
            "uploads": [
                (UploadKind(kind).label, upload)
                for kind, upload in manual_selectors.manual_uploads(case).items()
            ],
        },
    )


@login_required
def manual_resubmit(request: HttpRequest) -> HttpResponse:
    """重新提交: the previous values pre-filled; uploads not named by the rejection are kept."""
    case = _own_case(request)
    if case.status != ManualStatus.REJECTED:
        return redirect("registrations:manual_status")
    initial = {name: getattr(case, name) for name in INFO_FIELDS}
    initial["has_code_certificate"] = "yes" if case.has_code_certificate else "no"
    form = ManualInfoForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            manual_services.manual_verification_resubmit(
                case=case,
                data={name: form.cleaned_data[name] for name in INFO_FIELDS},
                files=_files(form),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            return redirect("registrations:manual_status")
    kept = manual_selectors.manual_uploads(case)
    return render(
        request,
        "registrations/manual/resubmit.html",
        {
            "form": form,
            "case": case,
            "kept": {
                kind: upload for kind, upload in kept.items() if kind not in case.reupload_kinds
            },
            "reupload_labels": [UploadKind(k).label for k in case.reupload_kinds or []],
        },
    )
