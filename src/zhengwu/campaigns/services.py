"""Writes of the campaign engine: configuring a campaign, freezing weekly snapshots,
recording assisted registrations (帮办)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.parsing import is_ascii_digits

from . import engine
from .constants import (
    DEFAULT_MILESTONES,
    DEFAULT_POPULATION,
    EVENT_ASSIST_RECORDED,
    EVENT_ASSIST_STARTED,
    EVENT_SNAPSHOT_TAKEN,
    Category,
    Measure,
)
from .errors import CampaignInvalid, MilestonesOutOfOrder, WeekAlreadyReported, WeekNotDue
from .models import AssistedRegistration, Campaign, Milestone, Snapshot, SnapshotRow

# --- configuration ----------------------------------------------------------------------------


def validate_milestones(
    start: datetime.date, milestones: Sequence[tuple[datetime.date, int]]
) -> None:
    """Milestones in date order must have rising targets, after the start, within 1–100 %.
    Raises ``MilestonesOutOfOrder`` naming the offending milestone."""
    ordered = sorted(milestones)
    for due, percent in ordered:
        if not 1 <= percent <= 100:
            raise MilestonesOutOfOrder(f"阶段目标 {due:%Y-%m-%d} 的目标比例须在 1% 至 100% 之间。")
        if due <= start:
            raise MilestonesOutOfOrder(
                f"阶段目标 {due:%Y-%m-%d} 不能早于或等于开始日期 {start:%Y-%m-%d}。"
            )
    dues = [due for due, _ in ordered]
    if len(set(dues)) != len(dues):
        raise MilestonesOutOfOrder("阶段目标的截止日期不能重复。")
    for (d0, p0), (d1, p1) in itertools.pairwise(ordered):
        if p1 <= p0:
            raise MilestonesOutOfOrder(
                f"阶段目标顺序有误：{d1:%Y-%m-%d} 的目标 {p1}% 须高于 {d0:%Y-%m-%d} 的目标 {p0}%。"
            )


def default_milestones(start: datetime.date) -> list[tuple[datetime.date, int]]:
    """The seed's milestones in the campaign's year: 40 % by 31 August, 70 % by 31 October."""
    return [(datetime.date(start.year, m, d), p) for m, d, p in DEFAULT_MILESTONES]


@transaction.atomic
def campaign_create(
    *,
    name: str,
    measure: str,
    start: datetime.date,
    population: Sequence[str] = DEFAULT_POPULATION,
    region_prefix: str = "",
    milestones: Sequence[tuple[datetime.date, int]] | None = None,
    report_weekday: int | None = None,
    report_hour: int | None = None,
) -> Campaign:
    """A campaign with its milestones (the seed's by default); nothing saved when refused."""
    if measure not in Measure.values:
        raise CampaignInvalid("统计口径须为“注册”或“领码”。", field="measure")
    unknown = [p for p in population if p not in Category.values or p == Category.OTHER]
    if unknown or not population:
        raise CampaignInvalid(
            "统计范围须为企业法人、个人独资企业、合伙企业、个体工商户、农民专业合作社中的一种或多种。",
            field="population",
        )
    if region_prefix and not (is_ascii_digits(region_prefix) and len(region_prefix) in (2, 4, 6)):
        raise CampaignInvalid(
            "行政区划代码前缀须为2、4或6位数字。",
            field="region_prefix",
        )
    if milestones is None:
        milestones = default_milestones(start)
    validate_milestones(start, milestones)
    extra: dict[str, Any] = {}
    if report_weekday is not None:
        extra["report_weekday"] = report_weekday
    if report_hour is not None:
        extra["report_hour"] = report_hour
    campaign = Campaign.objects.create(
        name=name,
        measure=measure,
        start=start,
        population=list(population),
        region_prefix=region_prefix,
        **extra,
    )
    Milestone.objects.bulk_create(
        Milestone(campaign=campaign, due=due, target_percent=percent) for due, percent in milestones
    )
    return campaign


# --- weekly snapshots -------------------------------------------------------------------------


def take_snapshot(
    campaign: Campaign,
    week_ending: datetime.date,
    *,
    now: datetime.datetime | None = None,
    caught_up: bool = False,
) -> Snapshot:
    """Freeze the figures of the week ending on ``week_ending`` at its reporting moment.

    A reported week is never recomputed: ``WeekAlreadyReported`` if it exists (the unique
    constraint decides between two concurrent runs). ``WeekNotDue`` before the moment.
    """
    now = now or timezone.now()
    as_of = engine.cutoff(campaign, week_ending)
    if week_ending.weekday() != campaign.report_weekday or as_of > now:
        raise WeekNotDue()
    if Snapshot.objects.filter(campaign=campaign, week_ending=week_ending).exists():
        raise WeekAlreadyReported()
    groups = engine.grouped_counts(
        measure=campaign.measure,
        population=campaign.population,
        region_prefix=campaign.region_prefix,
        as_of=as_of,
        since=as_of - engine.WEEK,
    )
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                campaign=campaign, week_ending=week_ending, as_of=as_of, caught_up=caught_up
            )
            SnapshotRow.objects.bulk_create(
                SnapshotRow(
                    snapshot=snapshot,
                    supervision_unit=g.supervision_unit,
                    region_code=g.region_code,
                    category=g.category,
                    population=g.population,
                    done=g.done,
                    new=g.new,
                    assisted=g.assisted,
                )
                for g in groups
            )
    except IntegrityError as exc:
        if Snapshot.objects.filter(campaign=campaign, week_ending=week_ending).exists():
            raise WeekAlreadyReported() from exc
        raise
    record_event(
        EVENT_SNAPSHOT_TAKEN,
        actor="system",
        subject=snapshot,
        after={"week_ending": week_ending.isoformat(), "caught_up": caught_up},
    )
    return snapshot


def catch_up(campaign: Campaign, *, now: datetime.datetime | None = None) -> list[Snapshot]:
    """Take every due week not yet reported (the latest on time, older ones marked caught up)."""
    now = now or timezone.now()
    weeks = engine.due_weeks(campaign, now)
    taken: list[Snapshot] = []
    have = set(Snapshot.objects.filter(campaign=campaign).values_list("week_ending", flat=True))
    for week in weeks:
        if week in have:
            continue
        late = now - engine.cutoff(campaign, week) > datetime.timedelta(hours=1)
        try:
            taken.append(take_snapshot(campaign, week, now=now, caught_up=late))
        except WeekAlreadyReported:
            continue
    return taken


def snapshot_figures(snapshot: Snapshot) -> engine.Figures:
    """The frozen figures of a reported week (never recomputed from the register)."""
    groups = [
        engine.GroupCount(
            r.supervision_unit, r.region_code, r.category, r.population, r.done, r.new, r.assisted
        )
        for r in snapshot.rows.order_by("supervision_unit", "region_code", "category")
    ]
    return engine.build_figures(
        snapshot.campaign, groups, as_of=snapshot.as_of, since=snapshot.as_of - engine.WEEK
    )


# --- 帮办 -------------------------------------------------------------------------------------


def assist_start(*, uscc: str, helper: Any) -> AssistedRegistration:
    """Window staff start a registration for the unit ``uscc`` at the counter. A unit already
    registered keeps its record; a restart by another helper before completion moves it."""
    record, created = AssistedRegistration.objects.get_or_create(
        uscc=uscc, defaults={"helped_by": helper}
    )
    if not created and record.organisation_id is None and record.helped_by_id != helper.pk:
        AssistedRegistration.objects.filter(pk=record.pk, organisation__isnull=True).update(
            helped_by=helper, started_at=timezone.now()
        )
        record.refresh_from_db()
    record_event(EVENT_ASSIST_STARTED, actor=helper, subject=record, after={"uscc": uscc})
    return record


#: A 帮办 counts when the unit's account is created within this time of the counter visit (the
#: agent path leaves the legal representative 48 h to sign); later, the unit did it alone.
ASSIST_WINDOW = datetime.timedelta(days=7)


def assist_complete(organisation: Any) -> AssistedRegistration | None:
    """THE call the registration paths make once they have created or found ``organisation``
    for a unit (the wizard after the legal representative's face check and SMS code, the agent
    and manual approvals): links a 帮办 started for its USCC to it, in the caller's transaction.

    It counts only a registration the visit led to: the organisation created at or after the
    counter visit, within ``ASSIST_WINDOW`` of it (a unit already registered before the visit,
    or one that registers alone weeks later, is not 帮办). Idempotent; ``None`` when nobody
    assisted this unit. Called explicitly, never from a model signal (decision 0023)."""
    if not getattr(organisation, "uscc", None):
        return None
    now = timezone.now()
    created_at = getattr(organisation, "created_at", None) or now
    updated = AssistedRegistration.objects.filter(
        uscc=organisation.uscc,
        organisation__isnull=True,
        started_at__gte=now - ASSIST_WINDOW,
        started_at__lte=created_at,
    ).update(organisation=organisation, completed_at=now)
    record = AssistedRegistration.objects.filter(
        uscc=organisation.uscc, organisation=organisation
    ).first()
    if updated and record is not None:
        record_event(
            EVENT_ASSIST_RECORDED,
            actor="system",
            subject=record,
            organisation=organisation,
            after={"helped_by": record.helped_by_id},
        )
    return record
