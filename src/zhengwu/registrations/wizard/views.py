"""Pages of the legal-person registration wizard and of 经办人申请: parse, call one service,
render. The wizard's state is the draft whose id (and, until step 2, its sealed token) the
session keeps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import NotFound, ZhengwuError
from zhengwu.integrations.identity.qr import qr_svg

from ..common import face
from ..common.face import FaceStep
from ..common.sms import sms_code_sent
from ..constants import DraftOutcome, DraftStep
from ..errors import DraftExpired
from ..models import RegistrationDraft
from . import draft_store, reviews, selectors, services
from .forms import InfoForm, RejectForm, UserForm

SESSION_KEY = "registration_draft"
TOKEN_SESSION_KEY = "registration_draft_token"  # the step-1 draft until its row exists
STEPS = [
    ("info", _("信息认证")),
    ("user", _("创建用户")),
    ("face", _("实名认证")),
    ("done", _("注册成功")),
]


def _add_error(form: forms.Form, exc: ZhengwuError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _draft(request: HttpRequest, step: str | None = None) -> RegistrationDraft | None:
    draft_id = request.session.get(SESSION_KEY)
    if not draft_id:
        return None
    try:
        token = request.session.get(TOKEN_SESSION_KEY, "")
        draft = selectors.draft_get(draft_id=draft_id, token=token)
    except (NotFound, DraftExpired):
        request.session.pop(SESSION_KEY, None)
        request.session.pop(TOKEN_SESSION_KEY, None)
        return None
    if step is not None and draft.step != step:
        return None
    return draft


def _redirect_to_step(draft: RegistrationDraft | None) -> HttpResponse:
    if draft is None:
        return redirect("registrations:start")
    return redirect(
        {
            DraftStep.USER: "registrations:user",
            DraftStep.FACE: "registrations:face",
            DraftStep.DONE: "registrations:done",
        }[DraftStep(draft.step)]
    )


def _render(request: HttpRequest, template: str, step: str, **context: Any) -> HttpResponse:
    return render(request, template, {"steps": STEPS, "current_step": step, **context})


def info_step(request: HttpRequest) -> HttpResponse:
    """Step 1 信息认证 (REG-1, REG-2, REG-3)."""
    form = InfoForm(request.POST or None)
    manual_offer = False
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.registration_start(
                **{k: v for k, v in form.cleaned_data.items() if k != "agreement"},
                agreement_accepted=form.cleaned_data["agreement"],
                actor=request.user,
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
            manual_offer = bool(getattr(exc, "offers_manual_channel", False)) or (
                exc.code == "registration.manual_channel"
            )
        else:
            request.session[SESSION_KEY] = str(draft.pk)
            request.session[TOKEN_SESSION_KEY] = draft_store.seal(draft)  # until step 2
            return redirect("registrations:user")
    return _render(request, "registrations/info.html", "info", form=form, manual_offer=manual_offer)


def user_step(request: HttpRequest) -> HttpResponse:
    """Step 2 创建用户 (REG-4, REG-5, REG-8)."""
    draft = _draft(request)
    if draft is None or draft.step == DraftStep.DONE:
        return _redirect_to_step(draft)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "captcha"}
        try:
            services.registration_user_submit(draft=draft, **data, actor=request.user)
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            return redirect("registrations:face")
    return _render(request, "registrations/user.html", "user", form=form, draft=draft)


@require_POST
def sms_code_send(request: HttpRequest) -> HttpResponse:
    """htmx: send the step-2 SMS code to the mobile typed in the form."""
    draft = _draft(request)
    if draft is None:
        return HttpResponse(gettext_now("注册信息已过期，请重新填写"), status=410)
    return sms_code_sent(
        request,
        lambda mobile: services.registration_sms_code_send(
            draft=draft, mobile=mobile, actor=request.user
        ),
    )


def _face_step(request: HttpRequest) -> FaceStep:
    return FaceStep(
        start=lambda draft: services.registration_face_start(draft=draft, actor=request.user),
        poll=lambda draft: services.registration_face_poll(draft=draft, actor=request.user),
        payload=lambda draft: draft.face_qr_payload if draft.face_token else "",
        status_template="registrations/_face_status.html",
    )


def face_step(request: HttpRequest) -> HttpResponse:
    """Step 3 实名认证 (REG-6): the QR code of the operator's check, polled by htmx."""
    draft = _draft(request)
    if draft is None or draft.step != DraftStep.FACE:
        return _redirect_to_step(draft)
    return face.face_page(
        request,
        _face_step(request),
        draft,
        template="registrations/face.html",
        context={"steps": STEPS, "current_step": "face", "draft": draft},
        self_url=reverse("registrations:face"),
    )


@require_GET
def face_status(request: HttpRequest) -> HttpResponse:
    """htmx poll: pending → keep polling; passed → go to 注册成功; failed/expired → retry."""
    return face.face_status(
        request, _face_step(request), _draft(request), passed_url=reverse("registrations:done")
    )


def done(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None or draft.step != DraftStep.DONE:
        return _redirect_to_step(draft)
    return _render(
        request,
        "registrations/done.html",
        "done",
        draft=draft,
        is_pending=draft.outcome == DraftOutcome.PENDING_APPROVAL,
    )


def _application_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.operator_application_get_for_approver(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    """经办人申请: pending applications of the organisations the user approves for."""
    pending = reviews.operator_applications_shown(
        actor=request.user,
        applications=selectors.operator_applications_pending_for(user=request.user),  # type: ignore[arg-type]
        request=request,
    )
    return render(
        request,
        "registrations/applications.html",
        {"applications": pending, "reject_form": RejectForm()},
    )


@login_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """同意: start the approver's own face check and show its QR code (REG-7)."""
    application = _application_or_404(request, pk)
    try:
        session = reviews.operator_application_approval_face_start(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ZhengwuError as exc:
        return render(request, "registrations/_decision.html", {"error": exc.message})
    return render(
        request,
        "registrations/_approval_face.html",
        {
            "application": application,
            "qr": qr_svg(session.qr_payload, title=gettext_now("人脸核验二维码")),
        },
    )


@login_required
@require_GET
def application_approve_status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    try:
        result = reviews.operator_application_approval_face_poll(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ZhengwuError as exc:
        return render(request, "registrations/_decision.html", {"error": exc.message})
    if result.is_passed:
        return render(
            request,
            "registrations/_decision.html",
            {"message": gettext_now("已同意"), "done": True},
        )
    if result.is_final:
        return render(
            request,
            "registrations/_decision.html",
            {"error": gettext_now("人脸核验未通过，请重新操作")},
        )
    return render(
        request,
        "registrations/_approval_poll.html",
        {"application": application},
    )


@login_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    try:
        reviews.operator_application_reject(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
        )
    except ZhengwuError as exc:
        return render(request, "registrations/_decision.html", {"error": exc.message})
    return render(
        request, "registrations/_decision.html", {"message": gettext_now("已拒绝"), "done": True}
    )
