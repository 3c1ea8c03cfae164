"""Reads of the campaign engine: reported weeks and the trend per supervision unit."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import QuerySet, Sum

from . import engine
from .models import Campaign, Milestone, Snapshot, SnapshotRow


def campaigns_active() -> QuerySet[Campaign]:
    return Campaign.objects.filter(is_active=True).order_by("-start", "pk")


def snapshots_for(campaign: Campaign) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(campaign=campaign).order_by("-week_ending")


def unit_trends(campaign: Campaign) -> dict[str, list[tuple[datetime.date, float]]]:
    """Supervision unit → (reporting day, rate %) of every reported week, oldest first; the
    key ``""`` is the unit-less group and ``"*"`` the whole campaign."""
    rows = (
        SnapshotRow.objects.filter(snapshot__campaign=campaign)
        .values("snapshot__week_ending", "supervision_unit")
        .annotate(population=Sum("population"), done=Sum("done"))
        .order_by("snapshot__week_ending", "supervision_unit")
    )
    trends: dict[str, list[tuple[datetime.date, float]]] = defaultdict(list)
    totals: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        week = row["snapshot__week_ending"]
        population, done = int(row["population"] or 0), int(row["done"] or 0)
        trends[row["supervision_unit"]].append((week, engine._rate(done, population)))
        totals[week][0] += population
        totals[week][1] += done
    trends["*"] = [(week, engine._rate(d, p)) for week, (p, d) in sorted(totals.items())]
    return dict(trends)


def milestone_line(campaign: Campaign) -> list[tuple[datetime.date, float]]:
    milestones: list[Milestone] = list(campaign.milestones.order_by("due"))
    return [(campaign.start, 0.0)] + [(m.due, float(m.target_percent)) for m in milestones]
