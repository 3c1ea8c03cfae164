"""EC-4 claim campaign: the deadline and the organisers' figures.

Figures are counted by the campaign engine (``zhengwu.campaigns.engine``, SVC-4) in one SQL pass
over the register: every active (存续) market entity
(``registry.MarketEntity``) grouped by a prefix of its division code and by legal-person type,
with how many of them have a portal account (an ``accounts.Organisation`` row) and how
many have claimed an enterprise code that is still valid: one scan of the register
hash-joined to organisations and codes. No extra index on the register: a covering partial
index made the scan ≈4× cheaper but cost 5–9 s per million rows of every first import
(``docs/performance.md``), and the register is bulk-loaded while the dashboard serves a few
organisers.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from zhengwu.campaigns.regions import region_name
from zhengwu.registry.constants import LegalPersonType

from .constants import CodeStatus
from .models import EnterpriseCode

#: Region levels: the length of the division-code prefix → its name.
LEVELS: dict[int, str] = {2: "省级", 4: "地市级", 6: "区县级"}
DEFAULT_LEVEL = 4


def parse_level(value: str | None) -> int:
    try:
        level = int(value or DEFAULT_LEVEL)
    except ValueError:
        return DEFAULT_LEVEL
    return level if level in LEVELS else DEFAULT_LEVEL


def deadline() -> datetime.date | None:
    """``ZHENGWU_CODE_CAMPAIGN_DEADLINE`` as a date, or ``None`` when no campaign is set."""
    value = settings.ZHENGWU_CODE_CAMPAIGN_DEADLINE
    if not value:
        return None
    return _parse_deadline(value)


@cache
def _parse_deadline(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "ZHENGWU_CODE_CAMPAIGN_DEADLINE must be a date written YYYY-MM-DD."
        ) from exc


def days_left(today: datetime.date | None = None) -> int | None:
    """Days until the deadline, the deadline itself included (0 once it has passed)."""
    end = deadline()
    if end is None:
        return None
    today = today or timezone.localdate()
    return max((end - today).days + 1, 0)


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class Row:
    """Figures of one group (a region, a type, or a region × type)."""

    region_code: str = ""
    region_name: str = ""
    legal_person_type: str = ""
    total: int = 0
    registered: int = 0
    claimed: int = 0

    @property
    def type_label(self) -> str:
        return str(dict(LegalPersonType.choices).get(self.legal_person_type, ""))

    @property
    def registered_rate(self) -> float:
        return _rate(self.registered, self.total)

    @property
    def claimed_rate(self) -> float:
        return _rate(self.claimed, self.total)

    def add(self, other: Row) -> None:
        self.total += other.total
        self.registered += other.registered
        self.claimed += other.claimed


@dataclass
class Figures:
    level: int
    rows: list[Row] = field(default_factory=list)
    by_region: list[Row] = field(default_factory=list)
    by_type: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=Row)
    claimed_outside_register: int = 0
    generated_at: datetime.datetime = field(default_factory=timezone.now)


def _grouped_counts(level: int) -> list[tuple[str, str, int, int, int]]:
    """(region prefix, legal-person type, entities, registered, claimed): the SQL lives in the
    campaign engine (``zhengwu.campaigns.engine.region_type_counts``, SVC-4)."""
    from zhengwu.campaigns.engine import region_type_counts

    return region_type_counts(level)


def campaign_figures(*, level: int = DEFAULT_LEVEL) -> Figures:
    """The campaign's figures at ``level`` (2, 4 or 6 digits of the division code)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}")
    figures = Figures(level=level)
    regions: dict[str, Row] = {}
    types: dict[str, Row] = {t: Row(legal_person_type=t) for t in LegalPersonType.values}
    for code, legal_person_type, total, registered, claimed in _grouped_counts(level):
        row = Row(
            region_code=code,
            region_name=region_name(code),
            legal_person_type=legal_person_type,
            total=total,
            registered=registered,
            claimed=claimed,
        )
        figures.rows.append(row)
        regions.setdefault(code, Row(region_code=code, region_name=row.region_name)).add(row)
        types.setdefault(legal_person_type, Row(legal_person_type=legal_person_type)).add(row)
        figures.total.add(row)
    figures.by_region = sorted(regions.values(), key=lambda r: r.region_code)
    figures.by_type = [row for row in types.values() if row.total]
    # Valid codes of units the register does not hold as active (out of province, agencies
    # registered elsewhere, deregistered since): counted apart so that the rates stay rates of
    # the register. Each code matches at most one entity, so this is a difference of counts.
    active_codes = EnterpriseCode.objects.filter(status=CodeStatus.ACTIVE).count()
    figures.claimed_outside_register = active_codes - figures.total.claimed
    return figures


def engine_campaigns(user: object) -> list[object]:
    """The campaign engine's 领码 campaigns ``user`` may open (weekly tables, bulletins): the
    dashboard links them, in the engine's layout (``campaigns/layout.html``)."""
    from zhengwu.campaigns.constants import Measure
    from zhengwu.campaigns.permissions import can_view_figures
    from zhengwu.campaigns.selectors import campaigns_active

    if not can_view_figures(user):
        return []
    return [c for c in campaigns_active() if c.measure == Measure.CODE]


# --- chart ------------------------------------------------------------------------------------

CHART_MAX_REGIONS = 30
_CHART_SERIES = (
    ("total", "市场主体", "#c9d6e8"),
    ("registered", "已注册", "#6b93c7"),
    ("claimed", "已领码", "#1f4e8c"),
)


def bar_chart_svg(rows: list[Row], *, limit: int = CHART_MAX_REGIONS) -> str:
    """A horizontal bar chart (server-side SVG, no script): per region, three bars — market
    entities, registered, claimed — on one scale, with the claim rate at the end. The regions
    with the most entities are drawn, at most ``limit``."""
    shown = sorted(rows, key=lambda r: (-r.total, r.region_code))[:limit]
    label_w, bar_w, rate_w = 150, 440, 90
    bar_h, gap, top = 9, 10, 34
    group_h = 3 * bar_h + gap
    width = label_w + bar_w + rate_w
    height = top + max(len(shown), 1) * group_h + 10
    scale = max((r.total for r in shown), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="campaign-chart" role="img" aria-labelledby="chart-title">',
        '<title id="chart-title">各地区市场主体、已注册与已领码数量</title>',
    ]
    x = 0
    for _key, label, colour in _CHART_SERIES:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(label)}</text>')
        x += 100
    if not shown:
        parts.append(f'<text x="0" y="{top + 12}" font-size="12">暂无数据</text>')
    for i, row in enumerate(shown):
        y = top + i * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 1.5 * bar_h + 4}" font-size="12" '
            f'text-anchor="end">{escape(row.region_name)}</text>'
        )
        for j, (key, label, colour) in enumerate(_CHART_SERIES):
            value = getattr(row, key)
            w = round(bar_w * value / scale, 1)
            parts.append(
                f'<rect x="{label_w}" y="{y + j * bar_h}" width="{w}" height="{bar_h - 1}" '
                f'fill="{colour}" data-series="{key}" data-value="{value}">'
                f"<title>{escape(row.region_name)} {label} {value}</title></rect>"
            )
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 1.5 * bar_h + 4}" font-size="12">'
            f"{row.claimed_rate}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- spreadsheet ------------------------------------------------------------------------------

_HEADER = ["市场主体数", "已注册数", "已领码数", "注册率(%)", "领码率(%)"]


def _numbers(row: Row) -> list[int | float]:
    return [row.total, row.registered, row.claimed, row.registered_rate, row.claimed_rate]


def figures_xlsx(figures: Figures) -> bytes:
    """The dashboard's figures as an XLSX workbook: by region, by region × type, by type."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    end = deadline()
    sheets = [
        (
            "按地区",
            ["行政区划代码", "地区"],
            [[r.region_code, r.region_name] for r in figures.by_region],
            figures.by_region,
        ),
        (
            "按地区和法人类型",
            ["行政区划代码", "地区", "法人类型"],
            [[r.region_code, r.region_name, r.type_label] for r in figures.rows],
            figures.rows,
        ),
        ("按法人类型", ["法人类型"], [[r.type_label] for r in figures.by_type], figures.by_type),
    ]
    for index, (title, keys, labels, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(
            [
                f"企业码领码统计（{LEVELS[figures.level]}）",
                f"统计时间 {timezone.localtime(figures.generated_at):%Y-%m-%d %H:%M}",
                f"截止日期 {end:%Y-%m-%d}" if end else "",
            ]
        )
        sheet.append([*keys, *_HEADER])
        for cell in sheet[2]:
            cell.font = bold
        for label, row in zip(labels, rows, strict=True):
            sheet.append([*label, *_numbers(row)])
        sheet.append(["合计", *[""] * (len(keys) - 1), *_numbers(figures.total)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 22
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
