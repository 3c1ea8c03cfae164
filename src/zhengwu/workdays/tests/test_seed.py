"""Seeding from chinesecalendar: idempotent, and staff rows always win."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar import constants
from django.core.management import call_command

from zhengwu.audit.models import AuditEvent
from zhengwu.workdays.constants import EVENT_SEEDED, DayKind, Source
from zhengwu.workdays.models import CalendarDay, CalendarYear
from zhengwu.workdays.services import calendar_day_set, calendar_seed, calendar_year_set

from ._support import LIBRARY_VERSION, LIBRARY_YEARS

pytestmark = pytest.mark.django_db


def test_migration_seeded_every_library_day_with_names():
    """A fresh database holds every holiday and adjusted weekend the library knows, named."""
    rows = CalendarDay.objects.filter(source=Source.CHINESE_CALENDAR)
    assert rows.count() == len(constants.holidays) + len(constants.workdays)
    spring = CalendarDay.objects.get(date=date(2026, 2, 17))
    assert (spring.kind, spring.name) == (DayKind.HOLIDAY, "春节")
    adjusted = CalendarDay.objects.get(date=date(2025, 9, 28))
    assert (adjusted.kind, adjusted.name) == (DayKind.ADJUSTED_WORKING_DAY, "国庆节")
    assert CalendarYear.objects.filter(
        is_complete=True, source=Source.CHINESE_CALENDAR
    ).count() == len(LIBRARY_YEARS)


def test_reseed_changes_nothing_and_is_audited():
    """Running the seed on a seeded database creates, updates and deletes nothing."""
    result = calendar_seed()
    assert (result.created, result.updated, result.deleted, result.years_marked) == (0, 0, 0, [])
    event = AuditEvent.objects.get(event_type=EVENT_SEEDED)
    assert event.after["library_version"] == LIBRARY_VERSION


def test_reseed_keeps_staff_rows_and_staff_years(calendar_staff):
    """Staff corrections and a staff-withdrawn year survive a re-seed."""
    calendar_day_set(actor=calendar_staff, day=date(2025, 10, 8), kind=DayKind.REGULAR)
    calendar_day_set(
        actor=calendar_staff, day=date(2025, 3, 10), kind=DayKind.HOLIDAY, name="临时放假"
    )
    calendar_year_set(actor=calendar_staff, year=2004, is_complete=False)
    result = calendar_seed()
    assert result.kept_staff == 2
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).kind == DayKind.REGULAR
    assert CalendarDay.objects.get(date=date(2025, 3, 10)).name == "临时放假"
    assert CalendarYear.objects.get(year=2004).is_complete is False


def test_reseed_repairs_library_rows():
    """Library rows changed, removed or invented outside the services are put back."""
    CalendarDay.objects.filter(date=date(2025, 10, 1)).update(kind=DayKind.REGULAR)
    CalendarDay.objects.filter(date=date(2025, 10, 2)).delete()
    CalendarDay.objects.create(
        date=date(2025, 3, 10), kind=DayKind.HOLIDAY, source=Source.CHINESE_CALENDAR
    )
    CalendarYear.objects.filter(year=2005).update(is_complete=False)
    result = calendar_seed()
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    assert result.years_marked == [2005]
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).kind == DayKind.HOLIDAY
    assert CalendarDay.objects.filter(date=date(2025, 10, 2)).exists()
    assert not CalendarDay.objects.filter(date=date(2025, 3, 10)).exists()


def test_seed_command_reports_what_it_did(capsys):
    """manage.py workdays_seed prints the library version and the counts."""
    call_command("workdays_seed")
    out = capsys.readouterr().out
    first, last = LIBRARY_YEARS[0], LIBRARY_YEARS[-1]
    assert f"chinesecalendar {LIBRARY_VERSION}: years {first}–{last}" in out
    assert "created 0" in out
