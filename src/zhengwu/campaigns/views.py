"""Back-office pages of the campaigns (SVC-4): the dashboard with the live figures and the
trend per unit, the frozen weekly tables as XLSX, and the counter's 帮办 start."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from zhengwu.audit.services import record_event
from zhengwu.core.parsing import is_ascii_digits
from zhengwu.core.permissions import staff_only
from zhengwu.enterprise.permissions import can_view_campaign as can_view_code_campaign
from zhengwu.identifiers import uscc as uscc_rules

from . import bulletin as bulletins
from . import engine, exports, selectors, services
from . import outreach as outreach_lists
from .constants import EVENT_BULLETIN_DOWNLOADED, EVENT_EXPORTED, EVENT_PHONE_REVEALED
from .errors import BulletinNotDue
from .models import Campaign, Snapshot
from .permissions import can_assist, can_reveal_phone, can_view_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


viewer_required = staff_only(can_view_figures)
assistant_required = staff_only(can_assist)


@viewer_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": selectors.campaigns_active(),
            # EC-4's 领码 dashboard is one campaign of the engine, listed with the others.
            "code_dashboard": can_view_code_campaign(request.user),
        },
    )


@viewer_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    figures = engine.live_figures(campaign)
    trends = selectors.unit_trends(campaign)
    line = selectors.milestone_line(campaign)
    charts = [
        (
            row,
            exports.trend_svg(trends.get(row.key, []), line, title=row.label, behind=row.behind),
        )
        for row in figures.by_unit
    ]
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "figures": figures,
            "charts": charts,
            "total_chart": exports.trend_svg(trends.get("*", []), line, title="全部监管单位"),
            "snapshots": selectors.snapshots_for(campaign),
            "milestones": list(campaign.milestones.order_by("due")),
            "months": bulletins.available_months(campaign),
        },
    )


@viewer_required
def week_export(request: HttpRequest, pk: int, week: str) -> HttpResponse:
    """The frozen table of a reported week (never recomputed)."""
    try:
        day = datetime.date.fromisoformat(week)
    except ValueError as exc:
        raise Http404 from exc
    snapshot = get_object_or_404(Snapshot, campaign_id=pk, week_ending=day)
    figures = services.snapshot_figures(snapshot)
    record_event(EVENT_EXPORTED, subject=snapshot, after={"week_ending": week})
    response = HttpResponse(exports.week_xlsx(figures), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"注册账号专项行动周统计-{day:%Y%m%d}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@viewer_required
def bulletin(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """月通报 of a past month (due from the first working day of the next month)."""
    campaign = get_object_or_404(Campaign, pk=pk)
    if not 1 <= month <= 12:
        raise Http404
    try:
        pdf = bulletins.bulletin_pdf(campaign, year, month)
    except BulletinNotDue as error:
        return render(
            request,
            "campaigns/not_due.html",
            {"campaign": campaign, "message": error.message},
            status=404,
        )
    record_event(
        EVENT_BULLETIN_DOWNLOADED, subject=campaign, after={"month": f"{year}-{month:02d}"}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"注册账号专项行动月通报-{year}{month:02d}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _outreach_filter(request: HttpRequest) -> tuple[str | None, str]:
    unit = request.GET.get("unit")
    region = (request.GET.get("region") or "").strip()
    if region and not (is_ascii_digits(region) and len(region) <= 6):
        region = ""
    return unit, region


@viewer_required
def outreach(request: HttpRequest, pk: int) -> HttpResponse:
    """Entities of a unit and region not yet done, with masked phones."""
    campaign = get_object_or_404(Campaign, pk=pk)
    unit, region = _outreach_filter(request)
    entities = outreach_lists.not_done(campaign, unit=unit, region=region)
    return render(
        request,
        "campaigns/outreach.html",
        {
            "campaign": campaign,
            "unit": unit,
            "region": region,
            "count": entities.count(),
            "entities": [
                (e, outreach_lists.region_name(e.region_code))
                for e in entities[: outreach_lists.PAGE_SIZE]
            ],
            "page_size": outreach_lists.PAGE_SIZE,
            "can_reveal": can_reveal_phone(request.user),
            "query": request.GET.urlencode(),
        },
    )


@viewer_required
def outreach_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    unit, region = _outreach_filter(request)
    entities = outreach_lists.not_done(campaign, unit=unit, region=region)
    scope = engine.unit_label(unit) if unit is not None else "全部监管单位"
    title = f"{campaign.name} 未完成市场主体名单 {scope}"
    record_event(
        EVENT_EXPORTED,
        subject=campaign,
        after={"list": "outreach", "unit": unit, "region": region},
    )
    response = HttpResponse(
        outreach_lists.outreach_xlsx(campaign, entities.iterator(), title=title), content_type=XLSX
    )
    response["Content-Disposition"] = content_disposition_header(True, "未注册市场主体名单.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


@viewer_required
@require_POST
def reveal_phone(request: HttpRequest, pk: int, uscc: str) -> HttpResponse:
    """The full phone of one entity, for staff with the reveal permission; audited."""
    if not can_reveal_phone(request.user):
        raise Http404
    campaign = get_object_or_404(Campaign, pk=pk)
    entity = get_object_or_404(outreach_lists.MarketEntity, uscc=uscc)
    record_event(
        EVENT_PHONE_REVEALED,
        subject=entity,
        after={"campaign": campaign.pk, "phone": entity.masked_phone},
    )
    response = HttpResponse(entity.registered_phone or "", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def registration_guide(request: HttpRequest) -> HttpResponse:
    """附件1 《法人注册流程》 (public: printed for the windows, handed out on inspections)."""
    response = HttpResponse(outreach_lists.registration_guide_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, "法人注册流程.pdf") or ""
    return response


@assistant_required
def assist(request: HttpRequest) -> HttpResponse:
    """帮办 at the counter: staff enter the unit's USCC; the public wizard then opens for the
    unit's legal representative (face check and SMS code stay theirs)."""
    error = ""
    value = ""
    if request.method == "POST":
        value = (request.POST.get("uscc") or "").strip().upper()
        if not uscc_rules.is_valid(value):
            error = "统一社会信用代码格式或校验位有误，请核对后重新输入。"
        else:
            services.assist_start(uscc=value, helper=request.user)
            # The public wizard (registrations) at its stable address; the unit's legal
            # representative completes it at the counter.
            return redirect("/register/")
    return render(
        request,
        "campaigns/assist.html",
        {"error": error, "value": value},
        status=400 if error else 200,
    )
