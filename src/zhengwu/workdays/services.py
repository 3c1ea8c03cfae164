"""Writes of the working-day calendar: staff edits and seeding, each audited.

The calendar reads (``is_working_day``, ``add_working_days``, ``deadline``, ...) live in
``selectors`` and are re-exported here, so either module is an entry point for callers.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ValidationFailed

from .constants import EVENT_DAY_CHANGED, EVENT_SEEDED, EVENT_YEAR_CHANGED, DayKind, Source
from .models import CalendarDay, CalendarYear
from .seeding import SeedResult, sync_from_chinese_calendar
from .selectors import (
    WorkingCalendar,
    add_working_days,
    add_working_hours,
    covered_years,
    deadline,
    is_working_day,
    working_days_between,
    working_hours_between,
)

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "add_working_hours",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_seed",
    "calendar_year_set",
    "covered_years",
    "deadline",
    "is_working_day",
    "working_days_between",
    "working_hours_between",
]


def _user_or_none(actor: Any) -> Any:
    """``updated_by`` takes a user; a label such as ``"system"`` leaves it empty."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _validated(row: CalendarDay | CalendarYear) -> None:
    try:
        row.full_clean(exclude=["updated_by"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=name) from exc


def _day_state(row: CalendarDay | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {"date": row.date.isoformat(), "kind": row.kind, "name": row.name, "source": row.source}


def _year_state(row: CalendarYear | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "year": row.year,
        "is_complete": row.is_complete,
        "note": row.note,
        "source": row.source,
    }


def calendar_day_set(*, actor: Any, day: date, kind: str, name: str = "") -> CalendarDay:
    """Record, as staff, how ``day`` departs from the Mon–Fri rule (CAL-1); audited.

    Creates or changes the row; the row becomes staff-owned, so a later seed keeps it. To
    cancel an exception that came from the library, set ``DayKind.REGULAR``.
    """
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = _day_state(row)
        if row is None:
            row = CalendarDay(date=day)
        row.kind, row.name, row.source = kind, name.strip(), Source.STAFF
        if _day_state(row) == before:
            return row
        row.updated_by = _user_or_none(actor)
        _validated(row)
        row.save()
        record_event(
            EVENT_DAY_CHANGED,
            actor=actor,
            subject=("workdays.calendarday", day.isoformat()),
            before=before,
            after=_day_state(row),
        )
    return row


def calendar_day_delete(*, actor: Any, day: date) -> None:
    """Delete a staff-entered exception (audited); library rows are cancelled, not deleted.

    A deleted library row would come back with the next seed, so the refusal names the way
    that lasts: set the day to 按常规.
    """
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            return
        if row.source != Source.STAFF:
            raise ValidationFailed(
                f"{day:%Y-%m-%d}来自国务院放假通知（chinesecalendar），不能删除；"
                f"如需取消，请将类型改为“{DayKind.REGULAR.label}”",
                field="kind",
            )
        before = _day_state(row)
        row.delete()
        record_event(
            EVENT_DAY_CHANGED,
            actor=actor,
            subject=("workdays.calendarday", day.isoformat()),
            before=before,
            after=None,
        )


def calendar_year_set(*, actor: Any, year: int, is_complete: bool, note: str = "") -> CalendarYear:
    """Record, as staff, whether ``year``'s State Council notice is fully entered; audited.

    Marking a year complete is what lets deadlines run into it; the record becomes
    staff-owned, so a later seed does not change it.
    """
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = _year_state(row)
        if row is None:
            row = CalendarYear(year=year)
        row.is_complete, row.note, row.source = is_complete, note.strip(), Source.STAFF
        if _year_state(row) == before:
            return row
        row.updated_by = _user_or_none(actor)
        _validated(row)
        row.save()
        record_event(
            EVENT_YEAR_CHANGED,
            actor=actor,
            subject=("workdays.calendaryear", year),
            before=before,
            after=_year_state(row),
        )
    return row


def calendar_seed(*, actor: Any = "workdays_seed") -> SeedResult:
    """Load every year the installed chinesecalendar knows, keeping staff rows; audited."""
    with transaction.atomic():
        result = sync_from_chinese_calendar(CalendarDay, CalendarYear)
        record_event(
            EVENT_SEEDED,
            actor=actor,
            subject=("workdays.calendar", "chinesecalendar"),
            after=asdict(result),
        )
    return result
