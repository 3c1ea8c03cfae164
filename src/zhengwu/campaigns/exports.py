"""The week's table as XLSX (layout of seed 002 附件2) and the trend chart (server-side SVG).

附件2's table itself is not in the seed; the workbook follows the usual layout of such a
统计表 (decision 0023): a title row, the reporting unit and cut-off, one row per supervision
unit with population, registered so far, new this week, of which assisted, rate, the
milestone's target and the gap, a 合计 row; a second sheet by region and a third by unit ×
category.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import timezone

from .constants import Measure
from .engine import Figures, Row

_DONE: dict[str, str] = {Measure.REGISTERED: "已注册数", Measure.CODE: "已领码数"}


def _header(figures: Figures) -> list[str]:
    done = _DONE.get(figures.campaign.measure, "已完成数")
    return [
        "序号",
        "名称",
        "市场主体总数",
        done,
        "本周新增",
        "其中帮办",
        "完成率(%)",
        "阶段目标(%)",
        "目标户数",
        "差额(户)",
        "进度",
    ]


def _line(n: int | str, row: Row) -> list[object]:
    return [
        n,
        row.label,
        row.population,
        row.done,
        row.new,
        row.assisted,
        row.rate,
        row.target_percent,
        row.target,
        row.gap,
        "落后" if row.behind else "正常",
    ]


def week_xlsx(figures: Figures, *, title_suffix: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    cut = timezone.localtime(figures.as_of)
    milestone = figures.milestone
    sheets: list[tuple[str, str, Sequence[Row]]] = [
        ("按监管单位", "监管单位", figures.by_unit),
        ("按地区", "地区", figures.by_region),
    ]
    for index, (title, first, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append([f"市场主体注册账号专项行动统计表{title_suffix}"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=11)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(
            [
                f"专项行动：{figures.campaign.name}",
                "",
                f"统计截止：{cut:%Y-%m-%d %H:%M}",
                "",
                "",
                (
                    f"阶段目标：{milestone.due:%Y-%m-%d}前 {milestone.target_percent}%"
                    if milestone
                    else ""
                ),
            ]
        )
        header = _header(figures)
        header[1] = first
        sheet.append(header)
        for cell in sheet[3]:
            cell.font = bold
        for n, row in enumerate(rows, start=1):
            sheet.append(_line(n, row))
        sheet.append(_line("", figures.total))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.column_dimensions["B"].width = 26
        sheet.freeze_panes = "C4"
    detail = book.create_sheet("按监管单位和类别")
    detail.append(["监管单位", "市场主体类别", *_header(figures)[2:]])
    for cell in detail[1]:
        cell.font = bold
    for unit in figures.by_unit:
        for row in figures.by_unit_category.get(unit.key, []):
            detail.append([unit.label, *_line("", row)[1:]])
    detail.column_dimensions["A"].width = 26
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- trend chart ------------------------------------------------------------------------------


def trend_svg(
    points: Sequence[tuple[datetime.date, float]],
    milestone_line: Sequence[tuple[datetime.date, float]],
    *,
    title: str,
    behind: bool = False,
) -> str:
    """Rate per reported week (solid) against the milestone line (dashed), 0–100 %."""
    width, height, left, bottom, top, right = 520, 220, 40, 30, 24, 12
    dates = [d for d, _ in points] + [d for d, _ in milestone_line]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="campaign-trend{" behind" if behind else ""}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>',
    ]
    plot_w, plot_h = width - left - right, height - top - bottom
    for pct in (0, 40, 70, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{pct}%</text>'
        )
    if not dates:
        parts.append(f'<text x="{left + 10}" y="{top + 40}" font-size="12">暂无数据</text>')
        parts.append("</svg>")
        return "".join(parts)
    first, last = min(dates), max(dates)
    span = (last - first).days or 1

    def xy(day: datetime.date, pct: float) -> str:
        x = left + plot_w * (day - first).days / span
        y = top + plot_h * (1 - min(max(pct, 0.0), 100.0) / 100)
        return f"{x:.1f},{y:.1f}"

    if milestone_line:
        line = " ".join(xy(d, p) for d, p in milestone_line)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="#c0392b" stroke-dasharray="5,4" '
            f'stroke-width="1.5" data-series="milestone"/>'
        )
    if points:
        line = " ".join(xy(d, p) for d, p in points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="#1f4e8c" stroke-width="2" '
            f'data-series="rate"/>'
        )
        for d, p in points:
            cx, cy = xy(d, p).split(",")
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="3" fill="#1f4e8c" data-week="{d:%Y-%m-%d}" '
                f'data-value="{p}"><title>{d:%m-%d} {p}%</title></circle>'
            )
    parts.append(
        f'<text x="{left}" y="{height - 8}" font-size="10">{first:%Y-%m-%d}</text>'
        f'<text x="{width - right}" y="{height - 8}" font-size="10" text-anchor="end">'
        f"{last:%Y-%m-%d}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
