"""Pages of the enterprise code. Thin: parse, check, call one service or selector, render.

Unit pages are for signed-in members of the unit (others get 404); the verification page and
the help pages are public; the back office is for 企业码管理员 (anonymous visitors are sent to
sign in, other users get 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengwu.accounts.models import Organisation
from zhengwu.agency import session as agency_session
from zhengwu.audit.services import record_event
from zhengwu.core.errors import ZhengwuError
from zhengwu.core.permissions import staff_only
from zhengwu.core.workflow import history

from . import campaign, qr, selectors, services
from .constants import EVENT_CAMPAIGN_EXPORTED, EVENT_DOWNLOADED, CodeStatus
from .errors import CodeAlreadyClaimed
from .forms import CodeSearchForm, ReasonForm
from .models import EnterpriseCode
from .permissions import can_manage_codes, can_view_campaign
from .ratelimit import verification_allowed

# --- the unit's pages (EC-1, EC-2) ------------------------------------------------------------


def _unit_or_404(request: HttpRequest, org_id: int) -> Organisation:
    organisation = selectors.organisation_get_for_user(request.user, org_id)
    if organisation is None:
        raise Http404
    return organisation


def entry(request: HttpRequest) -> HttpResponse:
    """The portal's 企业码 entry: straight to the unit's page when the account has one unit;
    an agency unit signed in with its login image (and no portal account) goes to its code."""
    if not request.user.is_authenticated and agency_session.current(request) is not None:
        return redirect("enterprise:agency_unit")
    return _account_entry(request)


@login_required
def _account_entry(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_user(request.user)
    if len(organisations) == 1:
        return redirect("enterprise:unit", org_id=organisations[0].pk)
    return render(
        request,
        "enterprise/entry.html",
        {
            "organisations": organisations,
            "can_manage": can_manage_codes(request.user),
            "can_view_campaign": can_view_campaign(request.user),
        },
    )


def _org_urls(organisation: Organisation) -> dict[str, str]:
    return {
        "claim_url": reverse("enterprise:claim", args=[organisation.pk]),
        "png_url": reverse("enterprise:png", args=[organisation.pk]),
        "svg_url": reverse("enterprise:svg", args=[organisation.pk]),
        "poster_url": reverse("enterprise:poster", args=[organisation.pk]),
    }


_AGENCY_URLS = {
    "claim_url": "enterprise:agency_claim",
    "png_url": "enterprise:agency_png",
    "svg_url": "enterprise:agency_svg",
    "poster_url": "enterprise:agency_poster",
}


def _agency_urls() -> dict[str, str]:
    return {key: reverse(name) for key, name in _AGENCY_URLS.items()}


@login_required
def unit(request: HttpRequest, org_id: int) -> HttpResponse:
    """The code page once claimed (EC-2), the claim page (领码) before."""
    organisation = _unit_or_404(request, org_id)
    code = selectors.code_for_organisation(organisation)
    urls = _org_urls(organisation)
    if code is None:
        return render(request, "enterprise/claim.html", {"organisation": organisation, **urls})
    context: dict[str, Any] = {"organisation": organisation, "code": code, **urls}
    if code.is_active:
        context["qr_svg"] = qr.code_svg_inline(code)
    context["licences"] = selectors.licences_for(organisation)
    context["pending"] = selectors.pending_matters(organisation, request.user)
    context["services"] = selectors.startable_services(organisation, request.user)
    return render(request, "enterprise/code.html", context)


@login_required
@require_POST
def claim(request: HttpRequest, org_id: int) -> HttpResponse:
    """EC-1 领码. A repeated click lands on the code page; other refusals are shown."""
    organisation = _unit_or_404(request, org_id)
    try:
        services.claim_code(organisation=organisation, actor=request.user)
    except CodeAlreadyClaimed:
        pass
    except ZhengwuError as error:
        return render(
            request,
            "enterprise/claim.html",
            {"organisation": organisation, "error": error.message, **_org_urls(organisation)},
            status=error.status,
        )
    return redirect("enterprise:unit", org_id=organisation.pk)


_DOWNLOADS: dict[str, tuple[Callable[[EnterpriseCode], bytes], str, str]] = {
    "png": (qr.code_png, "image/png", "png"),
    "svg": (qr.code_svg, "image/svg+xml", "svg"),
    "poster": (qr.code_poster_pdf, "application/pdf", "pdf"),
}


@login_required
def download(request: HttpRequest, org_id: int, kind: str) -> HttpResponse:
    """EC-3 downloads: PNG, SVG, A4 poster PDF of an active code."""
    organisation = _unit_or_404(request, org_id)
    code = selectors.code_for_organisation(organisation)
    if code is None or not code.is_active or kind not in _DOWNLOADS:
        raise Http404
    return _download_response(code, kind, str(organisation.uscc or organisation.pk))


def _download_response(
    code: EnterpriseCode, kind: str, file_key: str, *, actor: Any = None
) -> HttpResponse:
    render_bytes, content_type, extension = _DOWNLOADS[kind]
    record_event(
        EVENT_DOWNLOADED,
        actor=actor,
        subject=code,
        after={"kind": kind, "version": code.version},
    )
    response = HttpResponse(render_bytes(code), content_type=content_type)
    filename = f"企业码-{file_key}.{extension}"
    if kind == "poster":
        filename = f"企业码海报-{file_key}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- an agency unit's code (issue 12: signed in with its login QR image, decision 0021) -------

AGENCY_ACTOR = "agency_unit"


def _agency_unit(request: HttpRequest) -> Any:
    return request.agency_image.unit  # type: ignore[attr-defined]


@agency_session.unit_required()
def agency_unit(request: HttpRequest) -> HttpResponse:
    """The signed-in agency unit's code page (EC-2), or its claim page (领码) before. The
    channel lists its credit-code certificates, its application in progress and the agency
    platform's items."""
    unit = _agency_unit(request)
    code = selectors.code_for_agency_unit(unit)
    urls = _agency_urls()
    context: dict[str, Any] = {"organisation": unit, "agency": unit, **urls}
    if code is None:
        return render(request, "enterprise/claim.html", context)
    context["code"] = code
    if code.is_active:
        context["qr_svg"] = qr.code_svg_inline(code)
    context["licences"] = selectors.agency_licences(unit)
    context["pending"] = selectors.agency_pending(unit)
    context["services"] = selectors.agency_services()
    return render(request, "enterprise/code.html", context)


@agency_session.unit_required()
@require_POST
def agency_claim(request: HttpRequest) -> HttpResponse:
    """EC-1 领码 for the signed-in agency unit; a repeated click lands on the code page."""
    unit = _agency_unit(request)
    try:
        services.claim_agency_code(unit=unit, actor=AGENCY_ACTOR)
    except CodeAlreadyClaimed:
        pass
    except ZhengwuError as error:
        return render(
            request,
            "enterprise/claim.html",
            {"organisation": unit, "agency": unit, "error": error.message, **_agency_urls()},
            status=error.status,
        )
    return redirect("enterprise:agency_unit")


@agency_session.unit_required()
def agency_download(request: HttpRequest, kind: str) -> HttpResponse:
    """EC-3 downloads of the agency unit's active code."""
    unit = _agency_unit(request)
    code = selectors.code_for_agency_unit(unit)
    if code is None or not code.is_active or kind not in _DOWNLOADS:
        raise Http404
    return _download_response(code, kind, unit.uscc, actor=AGENCY_ACTOR)


# --- public pages (EC-3, EC-5) ----------------------------------------------------------------


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """EC-3: the page a scan opens. No sign-in; rate-limited per IP; no personal data."""
    if not verification_allowed(request):
        response = render(
            request, "enterprise/verify.html", {"outcome": "rate_limited"}, status=429
        )
        response["Retry-After"] = "60"
        return response
    result = selectors.verification_for_token(token)
    status = {"valid": 200, "revoked": 410, "superseded": 410, "unit_revoked": 410}.get(
        result.outcome, 404
    )
    return render(
        request, "enterprise/verify.html", {"v": result, "outcome": result.outcome}, status=status
    )


def help_guide(request: HttpRequest) -> HttpResponse:
    """EC-5: the step-by-step guide of seed 000 附件1 (public: the login page links here)."""
    return render(
        request, "enterprise/help_guide.html", {"login_url": resolve_url(settings.LOGIN_URL)}
    )


def help_faq(request: HttpRequest) -> HttpResponse:
    """EC-5: the FAQ of seed 000 附件2."""
    return render(request, "enterprise/help_faq.html", {})


# --- back office (EC-3 revoke / reissue, EC-4 campaign) ---------------------------------------


code_admin_required = staff_only(can_manage_codes)
campaign_viewer_required = staff_only(can_view_campaign)


@code_admin_required
def manage(request: HttpRequest) -> HttpResponse:
    """Find a unit's code by name or USCC."""
    form = CodeSearchForm(request.GET or None)
    codes = selectors.codes_search(form.cleaned_data["q"] if form.is_valid() else "")
    return render(request, "enterprise/manage.html", {"form": form, "codes": codes})


def _manage_page(
    request: HttpRequest, code: EnterpriseCode, form: ReasonForm | None = None, *, status: int = 200
) -> HttpResponse:
    labels = dict(CodeStatus.choices)
    rows = [
        {
            "at": row.at,
            "actor_label": row.actor_label,
            "from_label": labels.get(row.from_state, row.from_state),
            "to_label": labels.get(row.to_state, row.to_state),
            "reason": row.reason,
        }
        for row in history(code).order_by("at", "pk")
    ]
    return render(
        request,
        "enterprise/manage_code.html",
        {"code": code, "form": form or ReasonForm(), "history": rows},
        status=status,
    )


@code_admin_required
def manage_code(request: HttpRequest, pk: int) -> HttpResponse:
    code = get_object_or_404(
        EnterpriseCode.objects.select_related("organisation", "agency_unit"), pk=pk
    )
    return _manage_page(request, code)


def _decide(request: HttpRequest, pk: int, service: Callable[..., EnterpriseCode]) -> HttpResponse:
    code = get_object_or_404(
        EnterpriseCode.objects.select_related("organisation", "agency_unit"), pk=pk
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, code, form, status=400)
    try:
        service(code=code, actor=request.user, reason=form.cleaned_data["reason"])
    except ZhengwuError as error:
        form.add_error(error.field or None, error.message)
        return _manage_page(request, code, form, status=error.status)
    return redirect("enterprise:manage_code", pk=code.pk)


@code_admin_required
@require_POST
def manage_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.revoke_code)


@code_admin_required
@require_POST
def manage_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.reissue_code)


@campaign_viewer_required
def campaign_dashboard(request: HttpRequest) -> HttpResponse:
    """EC-4: claimed / registered / all market entities by region and legal-person type."""
    level = campaign.parse_level(request.GET.get("level"))
    figures = campaign.campaign_figures(level=level)
    return render(
        request,
        "enterprise/campaign.html",
        {
            "figures": figures,
            "level": level,
            "levels": campaign.LEVELS,
            "chart": campaign.bar_chart_svg(figures.by_region),
            "deadline": campaign.deadline(),
            "days_left": campaign.days_left(),
            "engine_campaigns": campaign.engine_campaigns(request.user),
        },
    )


@campaign_viewer_required
def campaign_export(request: HttpRequest) -> HttpResponse:
    """EC-4: the dashboard's figures as XLSX."""
    level = campaign.parse_level(request.GET.get("level"))
    figures = campaign.campaign_figures(level=level)
    record_event(EVENT_CAMPAIGN_EXPORTED, after={"level": level})
    response = HttpResponse(
        campaign.figures_xlsx(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "企业码领码统计.xlsx")
    return response
