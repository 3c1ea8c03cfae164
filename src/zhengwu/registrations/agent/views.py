"""Pages of the agent path (REG-10, seed 002 附件1): parse, call one service, render.

The agent: 法人注册 (我是法定代表人 / 我是代理人) → the form → 实名认证 (the shared face step)
→ the confirmation dialog → the status page (the link to pass on, 重新提交, 返回修改). The
application id is kept in the agent's session. The legal representative: the signing link
(a signed random token) → the letter → 人脸识别 → 签署 / 拒签. Anyone holding the USCC (or
受理编号) and the agent's mobile: 法人注册结果.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import NotFound, ZhengwuError
from zhengwu.integrations.identity.qr import qr_svg
from zhengwu.uploads.tokens import session_owner_token

from ..common.face import FaceStep, face_page, face_status
from ..common.sms import sms_code_sent
from ..errors import DraftExpired
from ..models import AgentRegistration
from . import selectors, services, signing
from .constants import EDITABLE_FIELDS, AgentStatus
from .forms import AgentForm, AgentResultForm, AgentUnitForm

SESSION_KEY = "agent_registration"
STEPS = [
    ("form", _("填写信息")),
    ("face", _("实名认证")),
    ("confirm", _("确认提交")),
    ("sign", _("法定代表人签名")),
    ("review", _("审核")),
]
SIGN_STEPS = [("letter", _("查看授权委托书")), ("face", _("人脸识别")), ("sign", _("电子签名"))]


def _add_error(form: forms.Form, exc: ZhengwuError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _application(request: HttpRequest) -> AgentRegistration | None:
    """The agent's application from the session (``None`` when gone or expired)."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    try:
        application = selectors.agent_draft_get(pk=pk)
    except (NotFound, DraftExpired):
        request.session.pop(SESSION_KEY, None)
        return None
    return signing.agent_registration_expire_if_due(application=application)


def _page(request: HttpRequest, template: str, step: str, **context: Any) -> HttpResponse:
    return render(request, template, {"steps": STEPS, "current_step": step, **context})


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the agent --------------------------------------------------------------------------------


@require_GET
def agent_role(request: HttpRequest) -> HttpResponse:
    """法人注册: 我是法定代表人 (the wizard) or 我是代理人 (this path)."""
    return render(request, "registrations/agent_role.html")


def agent_start(request: HttpRequest) -> HttpResponse:
    """我是代理人: the form (REG-1…REG-5, REG-8, REG-10)."""
    form = AgentForm(request.POST or None, request.FILES or None)
    manual_offer = False
    if request.method == "POST" and form.is_valid():
        try:
            application = services.agent_registration_start(
                **form.service_data(),  # type: ignore[arg-type]
                owner_token=session_owner_token(request, create=True),
                actor=request.user,
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
            manual_offer = exc.code == "registration.manual_channel" or bool(
                getattr(exc, "offers_manual_channel", False)
            )
        else:
            request.session[SESSION_KEY] = application.pk
            return redirect("registrations:agent_face")
    return _page(
        request, "registrations/agent_start.html", "form", form=form, manual_offer=manual_offer
    )


@require_POST
def agent_sms_code(request: HttpRequest) -> HttpResponse:
    """htmx: send the registration SMS code to the agent's mobile."""
    return sms_code_sent(
        request, lambda mobile: services.agent_sms_code_send(mobile=mobile, actor=request.user)
    )


def _agent_face_step(request: HttpRequest) -> FaceStep:
    return FaceStep(
        start=lambda app: services.agent_face_start(application=app, actor=request.user),
        poll=lambda app: services.agent_face_poll(application=app, actor=request.user),
        payload=lambda app: app.agent_face_qr_payload if app.agent_face_token else "",
        status_template="registrations/_face_status.html",
    )


def agent_face(request: HttpRequest) -> HttpResponse:
    """实名认证 of the agent (the wizard's face step), bound to the agent's ID number."""
    application = _application(request)
    if application is None:
        return redirect("registrations:agent")
    if application.status != AgentStatus.DRAFT:
        return redirect("registrations:agent_status")
    if application.agent_face_passed_at is not None:
        return redirect("registrations:agent_confirm")
    return face_page(
        request,
        _agent_face_step(request),
        application,
        template="registrations/agent_face.html",
        context={"steps": STEPS, "current_step": "face", "application": application},
        self_url=reverse("registrations:agent_face"),
    )


@require_GET
def agent_face_status(request: HttpRequest) -> HttpResponse:
    return face_status(
        request,
        _agent_face_step(request),
        _application(request),
        passed_url=reverse("registrations:agent_confirm"),
    )


def agent_confirm(request: HttpRequest) -> HttpResponse:
    """“系统将向法定代表人手机发送签名短信……”: 确认提交 or 取消提交 (seed 002)."""
    application = _application(request)
    if application is None:
        return redirect("registrations:agent")
    if application.status != AgentStatus.DRAFT:
        return redirect("registrations:agent_status")
    if application.agent_face_passed_at is None:
        return redirect("registrations:agent_face")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.agent_draft_cancel(application=application, actor=request.user)
                request.session.pop(SESSION_KEY, None)
                return redirect("registrations:agent")
            services.agent_registration_submit(application=application, actor=request.user)
        except ZhengwuError as exc:
            error = exc.message
        else:
            return redirect("registrations:agent_status")
    return _page(
        request,
        "registrations/agent_confirm.html",
        "confirm",
        application=application,
        error=error,
    )


def agent_status(request: HttpRequest, error: str = "") -> HttpResponse:
    """The agent's status page: the state (签名超时 computed on read), the signing link to pass
    on, 重新提交 / 返回修改, the letter, the reviewer's reason."""
    application = _application(request)
    if application is None:
        return redirect("registrations:agent")
    if application.status == AgentStatus.DRAFT:
        return redirect("registrations:agent_face")
    link = signing.sign_link(application) if application.status == AgentStatus.SIGNING else ""
    step = (
        "review"
        if application.status in (AgentStatus.PENDING, AgentStatus.APPROVED, AgentStatus.REJECTED)
        else "sign"
    )
    return _page(
        request,
        "registrations/agent_status.html",
        step,
        application=application,
        link=link,
        link_qr=qr_svg(link, title=gettext_now("签名链接二维码")) if link else "",
        can_resend=application.status
        in (AgentStatus.SIGNING, AgentStatus.TIMED_OUT, AgentStatus.REFUSED),
        can_edit=application.status
        in (
            AgentStatus.SIGNING,
            AgentStatus.TIMED_OUT,
            AgentStatus.REFUSED,
            AgentStatus.REJECTED,
        ),
        error=error,
    )


@require_POST
def agent_resend(request: HttpRequest) -> HttpResponse:
    """重新提交: a new link to the legal representative (the old one dies)."""
    application = _application(request)
    if application is None:
        return redirect("registrations:agent")
    try:
        services.agent_registration_resend(application=application, actor=request.user)
    except ZhengwuError as exc:
        return agent_status(request, error=exc.message)
    return redirect("registrations:agent_status")


def agent_edit(request: HttpRequest) -> HttpResponse:
    """返回修改 (before the signature, or after 不通过): key changes need a new signature."""
    application = _application(request)
    if application is None:
        return redirect("registrations:agent")
    initial = {name: getattr(application, name) for name in EDITABLE_FIELDS}
    form = AgentUnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agent_registration_update(
                application=application, values=form.cleaned_data, actor=request.user
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
        else:
            return redirect("registrations:agent_status")
    return _page(
        request,
        "registrations/agent_edit.html",
        "form",
        form=form,
        application=application,
    )


@require_GET
def agent_letter(request: HttpRequest) -> HttpResponse:
    """The letter for the applicant (the signed one once signed); audited."""
    application = _application(request)
    if application is None or not application.letter_pdf:
        raise Http404
    data = selectors.agent_letter_for_applicant(application=application, request=request)
    return _pdf(data, f"{application.reference}.pdf")


# --- the legal representative -----------------------------------------------------------------


def _signing(token: str) -> AgentRegistration | None:
    try:
        return signing.agent_sign_get(token=token)
    except NotFound:
        return None


def _dead(request: HttpRequest) -> HttpResponse:
    return render(request, "registrations/agent_sign_dead.html", status=404)


def _sign_page(request: HttpRequest, template: str, step: str, **context: Any) -> HttpResponse:
    return render(request, template, {"steps": SIGN_STEPS, "current_step": step, **context})


@require_GET
def agent_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the SMS: the letter to read, then 人脸识别; 拒签 at any time."""
    application = _signing(token)
    if application is None:
        return _dead(request)
    return _sign_page(
        request,
        "registrations/agent_sign.html",
        "letter",
        application=application,
        token=token,
    )


@require_GET
def agent_sign_letter(request: HttpRequest, token: str) -> HttpResponse:
    """The unsigned letter for the legal representative holding the link; audited."""
    application = _signing(token)
    if application is None:
        raise Http404
    from zhengwu.audit.services import record_event

    record_event(
        "agent_registration.letter_viewed",
        subject=application,
        after={"signed": False, "by": "legal_representative"},
        request=request,
    )
    return _pdf(bytes(application.letter_pdf), f"{application.reference}.pdf")


def _sign_face_step(request: HttpRequest, token: str) -> FaceStep:
    return FaceStep(
        start=lambda app: signing.agent_sign_face_start(
            application=app, token=token, actor=request.user
        ),
        poll=lambda app: signing.agent_sign_face_poll(
            application=app, token=token, actor=request.user
        ),
        payload=lambda app: app.sign_face_qr_payload if app.sign_face_token else "",
        status_template="registrations/_face_status.html",
    )


def agent_sign_face(request: HttpRequest, token: str) -> HttpResponse:
    """人脸识别 of the legal representative, bound to their resident ID number."""
    application = _signing(token)
    if application is None:
        return _dead(request)
    return face_page(
        request,
        _sign_face_step(request, token),
        application,
        template="registrations/agent_sign_face.html",
        context={
            "steps": SIGN_STEPS,
            "current_step": "face",
            "application": application,
            "token": token,
        },
        self_url=reverse("registrations:agent_sign_face", args=[token]),
    )


@require_GET
def agent_sign_face_status(request: HttpRequest, token: str) -> HttpResponse:
    return face_status(
        request,
        _sign_face_step(request, token),
        _signing(token),
        passed_url=reverse("registrations:agent_sign_decide", args=[token]),
        context={"token": token},
    )


def agent_sign_decide(request: HttpRequest, token: str) -> HttpResponse:
    """签署 (after the face check) or 拒签."""
    application = _signing(token)
    if application is None:
        return _dead(request)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "refuse":
                signing.agent_letter_refuse(
                    application=application, token=token, actor=request.user
                )
                return render(request, "registrations/agent_sign_done.html", {"refused": True})
            signing.agent_letter_sign(application=application, token=token, actor=request.user)
        except ZhengwuError as exc:
            error = exc.message
        else:
            return render(request, "registrations/agent_sign_done.html", {"refused": False})
    return _sign_page(
        request,
        "registrations/agent_sign_decide.html",
        "sign",
        application=application,
        token=token,
        error=error,
    )


# --- 法人注册结果 -------------------------------------------------------------------------------


def agent_result(request: HttpRequest) -> HttpResponse:
    """法人注册结果: the state for whoever holds the USCC (or 受理编号) and the agent's mobile;
    rate-limited and audited."""
    form = AgentResultForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = selectors.agent_result_lookup(
                key=form.cleaned_data["key"], mobile=form.cleaned_data["mobile"], request=request
            )
        except ZhengwuError as exc:
            _add_error(form, exc)
            status = exc.status if exc.code == "agent_result.rate_limited" else 200
    return render(
        request, "registrations/agent_result.html", {"form": form, "result": result}, status=status
    )
