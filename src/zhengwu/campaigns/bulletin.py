"""月通报: the monthly bulletin of a campaign as a PDF (seed 002 三 (三) "周统计、月通报").

The bulletin of month M is due on the first working day of M+1 (``zhengwu.workdays``) and is
built from the weeks reported in M — frozen snapshots, so the PDF of a past month always says
the same thing: the ranking of supervision units by rate at the month's last reported week,
each unit's weekly trend, and the units behind the milestone line.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhengwu.documents.pdf import PdfDocument
from zhengwu.workdays.errors import CalendarNotCovered
from zhengwu.workdays.selectors import add_working_days, is_working_day

from . import selectors, services
from .errors import BulletinNotDue
from .models import Campaign, Snapshot


def first_working_day(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day if is_working_day(day) else add_working_days(day, 1)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def due_on(year: int, month: int) -> datetime.date:
    """The day the bulletin of ``year-month`` is generated: first working day of the next month."""
    return first_working_day(*_next_month(year, month))


def is_due(year: int, month: int, today: datetime.date) -> bool:
    # The calendar is read only once the next month has begun (a future year may not be
    # covered by the holiday calendar yet).
    if datetime.date(*_next_month(year, month), 1) > today:
        return False
    try:
        return due_on(year, month) <= today
    except CalendarNotCovered:  # the holiday calendar of that year is not entered yet
        return False


def available_months(
    campaign: Campaign, today: datetime.date | None = None
) -> list[tuple[int, int]]:
    """Months from the campaign's start whose bulletin is due, newest first."""
    today = today or timezone.localdate()
    months: list[tuple[int, int]] = []
    year, month = campaign.start.year, campaign.start.month
    while is_due(year, month, today):
        months.append((year, month))
        year, month = _next_month(year, month)
    return list(reversed(months))


def bulletin_pdf(
    campaign: Campaign, year: int, month: int, *, today: datetime.date | None = None
) -> bytes:
    """The bulletin of ``year-month``; ``BulletinNotDue`` before its day or before the start."""
    today = today or timezone.localdate()
    if (year, month) < (campaign.start.year, campaign.start.month) or not is_due(
        year, month, today
    ):
        raise BulletinNotDue()
    weeks = list(
        Snapshot.objects.filter(
            campaign=campaign, week_ending__year=year, week_ending__month=month
        ).order_by("week_ending")
    )
    doc = PdfDocument(
        f"{campaign.name} {year}年{month}月通报",
        footer=f"{campaign.name} · 月通报 {year}-{month:02d}",
        author="Zhengwu",
        subject="市场主体注册账号专项行动月通报",
    )
    if not weeks:
        doc.paragraph("本月无已上报的周统计。")
        return doc.build()
    last = services.snapshot_figures(weeks[-1])
    milestone = last.milestone
    doc.paragraph(
        f"统计截止 {timezone.localtime(last.as_of):%Y-%m-%d %H:%M}（本月最后一次周统计）。"
        f"全部监管单位：市场主体 {last.total.population} 户，累计完成 {last.total.done} 户，"
        f"完成率 {last.total.rate}%，其中帮办 {last.total.assisted} 户；按进度应达 "
        f"{last.expected_percent}%"
        + (
            f"，阶段目标为 {milestone.due:%Y年%m月%d日}前完成 {milestone.target_percent}%。"
            if milestone
            else "。"
        )
    )
    doc.heading("一、各监管单位完成情况排名")
    ranking = sorted(last.by_unit, key=lambda r: (-r.rate, r.label))
    doc.fields(
        (
            f"第{n}名 {row.label}",
            f"完成率 {row.rate}%（{row.done}/{row.population}），本月末周新增 {row.new}，"
            f"帮办 {row.assisted}；目标 {row.target_percent}% 需 {row.target} 户，差 {row.gap} 户",
        )
        for n, row in enumerate(ranking, start=1)
    )
    doc.heading("二、各监管单位周进度")
    trends = selectors.unit_trends(campaign)
    end = weeks[-1].week_ending
    doc.fields(
        (
            row.label,
            " → ".join(f"{d:%m-%d} {p}%" for d, p in trends.get(row.key, []) if d <= end) or "无",
        )
        for row in ranking
    )
    doc.heading("三、落后于目标进度的监管单位")
    behind = [row for row in ranking if row.behind]
    if behind:
        doc.fields(
            (
                row.label,
                f"完成率 {row.rate}%，低于进度线 {last.expected_percent}%；"
                f"距阶段目标还差 {row.gap} 户",
            )
            for row in behind
        )
    else:
        doc.paragraph("无。各监管单位均达到进度要求。")
    return doc.build()
