"""Loading the State Council holiday notices that the ``chinesecalendar`` library encodes.

Used by migration 0002 (with historical models, so a fresh database is never uncovered) and
by ``services.calendar_seed`` / ``manage.py workdays_seed`` after a library upgrade. STANDARDS
6.2 cross-checked chinesecalendar 1.11.0 against the 2025 and 2026 notices: 0 mismatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from .constants import DayKind, Source

# The names the notices use (chinesecalendar abbreviates some: 清明, 端午, 中秋).
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass
class SeedResult:
    """What one seed run changed; ``kept_staff`` counts staff rows it left alone."""

    library_version: str
    years: list[int]
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept_staff: int = 0
    years_marked: list[int] = field(default_factory=list)


def library_calendar() -> tuple[str, list[int], dict[date, tuple[str, str]]]:
    """(version, years known, {date: (kind, name)}) as the installed chinesecalendar has them."""
    import chinese_calendar
    from chinese_calendar import constants

    def name(value: str) -> str:
        if value in HOLIDAY_NAMES:
            return HOLIDAY_NAMES[value]
        try:
            return str(constants.Holiday(value).chinese)
        except ValueError:
            return str(value)

    days: dict[date, tuple[str, str]] = {}
    for day, value in constants.holidays.items():
        days[day] = (DayKind.HOLIDAY.value, name(value))
    for day, value in constants.workdays.items():
        days[day] = (DayKind.ADJUSTED_WORKING_DAY.value, name(value))
    years = sorted({day.year for day in days})
    years = list(range(years[0], years[-1] + 1))
    return str(getattr(chinese_calendar, "__version__", "")), years, days


def sync_from_chinese_calendar(day_model: Any, year_model: Any) -> SeedResult:
    """Make the library's rows match the library; never touch a row or year staff own.

    Idempotent: a second run changes nothing. Rows whose ``source`` is staff are kept as they
    are (a staff correction outlives library upgrades); library rows the library no longer
    lists are deleted; library years are marked complete unless staff own the year's record.
    """
    version, years, wanted = library_calendar()
    result = SeedResult(library_version=version, years=years)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            row.date: row
            for row in day_model.objects.select_for_update().filter(
                date__gte=date(years[0], 1, 1), date__lte=date(years[-1], 12, 31)
            )
        }
        changed, stale = [], []
        for day, row in existing.items():
            if row.source == Source.STAFF:
                result.kept_staff += 1
            elif day not in wanted:
                stale.append(row.pk)
            elif (row.kind, row.name) != wanted[day]:
                row.kind, row.name = wanted[day]
                row.updated_at = now
                changed.append(row)
        new = [
            day_model(date=day, kind=kind, name=name, source=Source.CHINESE_CALENDAR)
            for day, (kind, name) in sorted(wanted.items())
            if day not in existing
        ]
        day_model.objects.bulk_create(new)
        day_model.objects.bulk_update(changed, ["kind", "name", "updated_at"])
        day_model.objects.filter(pk__in=stale).delete()
        result.created, result.updated, result.deleted = len(new), len(changed), len(stale)

        records = {row.year: row for row in year_model.objects.filter(year__in=years)}
        for year in years:
            record = records.get(year)
            if record is None:
                year_model.objects.create(
                    year=year,
                    is_complete=True,
                    source=Source.CHINESE_CALENDAR,
                    note=f"chinesecalendar {version}".strip(),
                )
                result.years_marked.append(year)
            elif record.source == Source.CHINESE_CALENDAR and not record.is_complete:
                record.is_complete = True
                record.save(update_fields=["is_complete", "updated_at"])
                result.years_marked.append(year)
    return result
