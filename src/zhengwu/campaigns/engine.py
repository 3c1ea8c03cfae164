"""The campaign engine (SVC-4): one SQL pass over the register for any campaign.

Every active (存续) market entity of the campaign's population and region is grouped by
supervision unit (监管单位), district (6-digit division code) and population category, with how
many are done at the cut-off (measure 注册: an active ``Organisation`` with its USCC; measure
领码: that organisation holds a valid enterprise code), how many of those were done in the
week before the cut-off, and how many were assisted at the counter (帮办). The register,
organisations, codes and assisted registrations are joined by USCC without foreign keys;
``LEFT JOIN`` keeps the plan a hash join (see ``zhengwu.enterprise.campaign``).

Done-ness is dated (organisation created / code claimed), so the figures at a past cut-off are
recomputable — which is what lets ``campaign_snapshot`` catch up a missed week — but once a
week is reported its snapshot is frozen and never recomputed (``services.take_snapshot``).
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhengwu.accounts.models import Organisation
from zhengwu.enterprise.constants import CodeStatus
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.registry.constants import EntityType, LegalPersonType, Status
from zhengwu.registry.models import MarketEntity

from .constants import Category, Measure
from .models import AssistedRegistration, Campaign, Milestone
from .regions import region_name

WEEK = datetime.timedelta(days=7)

#: The population category of a register row, in SQL (no user input in it).
CATEGORY_SQL = f"""CASE
    WHEN m.entity_type = '{EntityType.SOLE_PROPRIETORSHIP}' THEN '{Category.SOLE_PROPRIETORSHIP}'
    WHEN m.entity_type = '{EntityType.PARTNERSHIP}' THEN '{Category.PARTNERSHIP}'
    WHEN m.legal_person_type = '{LegalPersonType.ENTERPRISE}' THEN '{Category.ENTERPRISE}'
    WHEN m.legal_person_type = '{LegalPersonType.INDIVIDUAL_BUSINESS}'
        THEN '{Category.INDIVIDUAL_BUSINESS}'
    WHEN m.legal_person_type = '{LegalPersonType.COOPERATIVE}' THEN '{Category.COOPERATIVE}'
    ELSE '{Category.OTHER}' END"""


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def cutoff(campaign: Campaign, week_ending: datetime.date) -> datetime.datetime:
    """The reporting moment of the week that ends on ``week_ending`` (its reporting day)."""
    return datetime.datetime.combine(week_ending, datetime.time(campaign.report_hour), tzinfo=_tz())


def first_week_ending(campaign: Campaign) -> datetime.date:
    """The first reporting day on or after the campaign's start."""
    offset = (campaign.report_weekday - campaign.start.weekday()) % 7
    return campaign.start + datetime.timedelta(days=offset)


def due_weeks(campaign: Campaign, now: datetime.datetime | None = None) -> list[datetime.date]:
    """Every reporting day from the campaign's start whose reporting moment has passed."""
    now = now or timezone.now()
    weeks: list[datetime.date] = []
    day = first_week_ending(campaign)
    while cutoff(campaign, day) <= now:
        weeks.append(day)
        day += WEEK
    return weeks


def last_cutoff(campaign: Campaign, now: datetime.datetime) -> datetime.datetime:
    """The latest reporting moment at or before ``now``."""
    moment = cutoff(campaign, current_week_ending(campaign, timezone.localtime(now).date()))
    return moment if moment <= now else moment - WEEK


def current_week_ending(campaign: Campaign, today: datetime.date | None = None) -> datetime.date:
    """The reporting day of the week in progress (today if today is the reporting day)."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=(campaign.report_weekday - today.weekday()) % 7)


@dataclass(frozen=True)
class GroupCount:
    supervision_unit: str
    region_code: str
    category: str
    population: int
    done: int
    new: int
    assisted: int


def _adapt(moment: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def category_of(entity_type: str, legal_person_type: str) -> str:
    """The population category of a register row (the same rule as ``CATEGORY_SQL``)."""
    if entity_type == EntityType.SOLE_PROPRIETORSHIP:
        return Category.SOLE_PROPRIETORSHIP
    if entity_type == EntityType.PARTNERSHIP:
        return Category.PARTNERSHIP
    return _CATEGORY_BY_LEGAL_PERSON_TYPE.get(legal_person_type, Category.OTHER)


_CATEGORY_BY_LEGAL_PERSON_TYPE: dict[str, str] = {
    LegalPersonType.ENTERPRISE: Category.ENTERPRISE,
    LegalPersonType.INDIVIDUAL_BUSINESS: Category.INDIVIDUAL_BUSINESS,
    LegalPersonType.COOPERATIVE: Category.COOPERATIVE,
}


def _done_sql(measure: str, end: Any) -> tuple[str, list[Any]]:
    """One row per unit done by ``end``, keyed by USCC: when it was done and whether it was
    assisted. A unit done after ``end`` counts for nothing, so it stays out of the hash table.

    The 帮办 record is joined to the organisation (``organisation_id``, set only when the
    registration completed, always the organisation of the same USCC), inside this small
    derived table: the register's scan then probes a single hash table."""
    organisations = Organisation._meta.db_table
    codes = EnterpriseCode._meta.db_table
    assisted = AssistedRegistration._meta.db_table
    flag = "CASE WHEN a.id IS NULL THEN 0 ELSE 1 END"
    if measure == Measure.REGISTERED:
        return (
            f"SELECT o.uscc AS uscc, o.created_at AS done_at, {flag} AS assisted "
            f"FROM {organisations} o LEFT JOIN {assisted} a ON a.organisation_id = o.id "
            "WHERE o.status = %s AND o.created_at <= %s",
            [Organisation.Status.ACTIVE, end],
        )
    return (
        f"SELECT o.uscc AS uscc, c.claimed_at AS done_at, {flag} AS assisted "
        f"FROM {organisations} o JOIN {codes} c ON c.organisation_id = o.id AND c.status = %s "
        f"LEFT JOIN {assisted} a ON a.organisation_id = o.id WHERE c.claimed_at <= %s",
        [CodeStatus.ACTIVE, end],
    )


def grouped_counts(
    *,
    measure: str,
    population: Sequence[str],
    region_prefix: str,
    as_of: datetime.datetime,
    since: datetime.datetime,
) -> list[GroupCount]:
    """(unit, district, category) → population, done at ``as_of``, done in ``(since, as_of]``,
    assisted among the done — one pass over the register.

    The statement groups by the register's own columns (supervision unit, district, entity
    type, legal-person type) and the categories are folded here: PostgreSQL estimates those
    groups from the extended statistics of migration 0003 and aggregates in a hash table,
    where a ``CASE`` in the ``GROUP BY``/``WHERE`` was estimated at 100,000 groups and sorted
    on disk. The register is hash-joined once, to the done units (organisations with their
    帮办, or valid codes). JIT is off for the statement on PostgreSQL: compiling it cost more
    than the whole aggregate (``docs/performance.md``)."""
    if measure not in Measure.values:
        raise ValueError(f"unknown measure {measure!r}")
    categories = {c for c in population if c in Category.values}
    if not categories:
        return []
    entities = MarketEntity._meta.db_table
    end, start = _adapt(as_of), _adapt(since)
    done_sql, done_params = _done_sql(measure, end)
    region = ""
    region_params: list[Any] = []
    if region_prefix:
        region = "AND m.region_code LIKE %s"
        region_params.append(f"{region_prefix}%")
    # Table names come from the models; every value is a parameter.
    sql = f"""
        SELECT m.supervision_unit, m.region_code, m.entity_type, m.legal_person_type,
               COUNT(*), COUNT(d.uscc), COUNT(*) FILTER (WHERE d.done_at > %s),
               COUNT(*) FILTER (WHERE d.assisted = 1)
        FROM {entities} m
        LEFT JOIN ({done_sql}) d ON d.uscc = m.uscc
        WHERE m.status = %s {region}
        GROUP BY 1, 2, 3, 4
    """
    values: list[Any] = [start, *done_params, Status.ACTIVE, *region_params]
    folded: dict[tuple[str, str, str], list[int]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, values)
        for unit, region_code, entity_type, lpt, total, done, new, helped in cursor.fetchall():
            category = category_of(entity_type, lpt)
            if category not in categories:
                continue
            sums = folded.setdefault((str(unit or ""), str(region_code), category), [0, 0, 0, 0])
            sums[0] += int(total)
            sums[1] += int(done or 0)
            sums[2] += int(new or 0)
            sums[3] += int(helped or 0)
    return [GroupCount(*key, *sums) for key, sums in sorted(folded.items())]


def region_type_counts(level: int) -> list[tuple[str, str, int, int, int]]:
    """EC-4's claim dashboard: (region prefix of ``level`` digits, legal-person type, active
    entities, registered, claimed) over the whole register in one pass.

    ``LEFT JOIN`` rather than ``uscc IN (SELECT …)``: PostgreSQL hashes an ``IN`` subplan
    only while it fits in ``work_mem``; with 200,000 registered units it falls back to
    rescanning the subplan for every entity (minutes), while a hash join batches to disk and
    stays linear. Organisation USCCs are unique and a unit has at most one code, so the joins
    never multiply rows.
    """
    entities = MarketEntity._meta.db_table
    organisations = Organisation._meta.db_table
    codes = EnterpriseCode._meta.db_table
    # Table names come from the models; every value is a parameter.
    sql = f"""
        SELECT SUBSTR(m.region_code, 1, %s) AS region, m.legal_person_type,
               COUNT(*), COUNT(o.id), COUNT(c.id)
        FROM {entities} m
        LEFT JOIN {organisations} o ON o.uscc = m.uscc
        LEFT JOIN {codes} c ON c.organisation_id = o.id AND c.status = %s
        WHERE m.status = %s
        GROUP BY 1, 2
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, CodeStatus.ACTIVE, Status.ACTIVE])
        return [(str(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in cursor.fetchall()]


# --- targets ----------------------------------------------------------------------------------


def expected_percent(
    campaign: Campaign, milestones: Sequence[Milestone], day: datetime.date
) -> float:
    """The milestone line at ``day``: 0 % at the start, straight to each milestone in turn,
    flat after the last."""
    points = [(campaign.start, 0.0)] + [(m.due, float(m.target_percent)) for m in milestones]
    if day <= points[0][0]:
        return 0.0
    for (d0, p0), (d1, p1) in itertools.pairwise(points):
        if day <= d1:
            span = (d1 - d0).days or 1
            return round(p0 + (p1 - p0) * (day - d0).days / span, 1)
    return points[-1][1]


def milestone_for(milestones: Sequence[Milestone], day: datetime.date) -> Milestone | None:
    """The milestone in force at ``day``: the next one due (or the last, once all have passed)."""
    for milestone in milestones:
        if day <= milestone.due:
            return milestone
    return milestones[-1] if milestones else None


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class Row:
    """Figures of one group (a unit, a region, a category, or a combination)."""

    key: str = ""
    label: str = ""
    population: int = 0
    done: int = 0
    new: int = 0
    assisted: int = 0
    target_percent: int = 0
    expected_percent: float = 0.0

    def add(self, other: GroupCount | Row) -> None:
        self.population += other.population
        self.done += other.done
        self.new += other.new
        self.assisted += other.assisted

    @property
    def rate(self) -> float:
        return _rate(self.done, self.population)

    @property
    def target(self) -> int:
        """Entities to be done by the milestone in force."""
        return math.ceil(self.population * self.target_percent / 100)

    @property
    def gap(self) -> int:
        return max(self.target - self.done, 0)

    @property
    def behind(self) -> bool:
        """Below the milestone line today (not only below the next milestone)."""
        return self.population > 0 and 100.0 * self.done < self.expected_percent * self.population


@dataclass
class Figures:
    campaign: Campaign
    as_of: datetime.datetime
    since: datetime.datetime
    milestone: Milestone | None
    expected_percent: float
    groups: list[GroupCount] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)
    by_region: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    by_unit_category: dict[str, list[Row]] = field(default_factory=dict)
    total: Row = field(default_factory=Row)

    @property
    def behind_units(self) -> list[Row]:
        return [row for row in self.by_unit if row.behind]


UNASSIGNED = "（未分配监管单位）"


def unit_label(unit: str) -> str:
    return unit or UNASSIGNED


def build_figures(
    campaign: Campaign,
    groups: Iterable[GroupCount],
    *,
    as_of: datetime.datetime,
    since: datetime.datetime,
    milestones: Sequence[Milestone] | None = None,
) -> Figures:
    """Roll the groups up by unit, region, category and unit × category, with targets."""
    if milestones is None:
        milestones = list(campaign.milestones.order_by("due"))
    day = timezone.localtime(as_of).date()
    milestone = milestone_for(milestones, day)
    expected = expected_percent(campaign, milestones, day)
    percent = milestone.target_percent if milestone else 0
    figures = Figures(campaign, as_of, since, milestone, expected, groups=list(groups))

    def new_row(key: str, label: str) -> Row:
        return Row(key=key, label=label, target_percent=percent, expected_percent=expected)

    units: dict[str, Row] = {}
    regions: dict[str, Row] = {}
    # Labels once per category (lazy translations are slow to render one by one), rows only
    # for new keys: this loop runs once per group (thousands on a province-wide register).
    labels = {key: str(label) for key, label in Category.choices}
    categories: dict[str, Row] = {
        c: new_row(c, labels[c]) for c in Category.values if c in campaign.population
    }
    unit_categories: dict[str, dict[str, Row]] = {}
    figures.total = new_row("", "合计")
    for group in figures.groups:
        unit, region, category = group.supervision_unit, group.region_code, group.category
        row = units.get(unit)
        if row is None:
            row = units[unit] = new_row(unit, unit_label(unit))
        row.add(group)
        row = regions.get(region)
        if row is None:
            row = regions[region] = new_row(region, region_name(region))
        row.add(group)
        row = categories.get(category)
        if row is None:
            row = categories[category] = new_row(category, labels.get(category, ""))
        row.add(group)
        per_unit = unit_categories.get(unit)
        if per_unit is None:
            per_unit = unit_categories[unit] = {}
        row = per_unit.get(category)
        if row is None:
            row = per_unit[category] = new_row(category, labels.get(category, ""))
        row.add(group)
        figures.total.add(group)
    figures.by_unit = sorted(units.values(), key=lambda r: r.key)
    figures.by_region = sorted(regions.values(), key=lambda r: r.key)
    figures.by_category = [row for row in categories.values() if row.population]
    figures.by_unit_category = {
        unit: sorted(rows.values(), key=lambda r: Category.values.index(r.key))
        for unit, rows in unit_categories.items()
    }
    return figures


def live_figures(campaign: Campaign, now: datetime.datetime | None = None) -> Figures:
    """The figures now; "new this week" counts since the last reporting moment."""
    now = now or timezone.now()
    since = last_cutoff(campaign, now)
    groups = grouped_counts(
        measure=campaign.measure,
        population=campaign.population,
        region_prefix=campaign.region_prefix,
        as_of=now,
        since=since,
    )
    return build_figures(campaign, groups, as_of=now, since=since)
