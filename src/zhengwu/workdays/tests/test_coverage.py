"""Years without an encoded State Council notice are refused, never guessed (CAL-1)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
import time_machine

from zhengwu.core.errors import ZhengwuError
from zhengwu.workdays.checks import check_calendar_coverage
from zhengwu.workdays.constants import DayKind
from zhengwu.workdays.errors import CalendarNotCovered
from zhengwu.workdays.selectors import add_working_days, covered_years, deadline, is_working_day
from zhengwu.workdays.services import calendar_day_set, calendar_year_set

from ._support import LAST_YEAR, LIBRARY_YEARS, UNCOVERED_YEAR, bj

pytestmark = pytest.mark.django_db


def test_seeded_years_are_the_ones_chinesecalendar_knows():
    """Migration 0002 covers every year the library knows (1.11.0: 2004–2026), nothing later."""
    assert covered_years() == LIBRARY_YEARS


def test_uncovered_year_raises_a_named_error():
    """A date after the library's data: CalendarNotCovered, a ZhengwuError with a stable code."""
    with pytest.raises(CalendarNotCovered) as exc:
        is_working_day(date(UNCOVERED_YEAR, 3, 1))
    assert isinstance(exc.value, ZhengwuError)
    assert exc.value.code == "calendar.year_not_covered"
    assert exc.value.year == UNCOVERED_YEAR
    assert exc.value.message == (f"{UNCOVERED_YEAR}年节假日安排尚未录入，请联系管理员维护工作日历")


def test_deadline_running_into_an_uncovered_year_raises():
    """Counting past 31 December of the last covered year is refused, never weekends-only."""
    start = date(LAST_YEAR, 12, 20)
    last_working_day = max(
        d
        for d in (start + timedelta(days=i) for i in range(1, 12))
        if chinese_calendar.is_workday(d)
    )
    left = sum(chinese_calendar.is_workday(start + timedelta(days=i)) for i in range(1, 12))
    assert add_working_days(start, left) == last_working_day
    with pytest.raises(CalendarNotCovered):
        add_working_days(start, left + 1)
    with pytest.raises(CalendarNotCovered):
        deadline(bj(LAST_YEAR, 12, 31, 10), working_hours=48)


def test_staff_cover_a_new_year_after_entering_its_notice(calendar_staff):
    """Entering the new year's days and marking it complete makes deadlines run into it."""
    new_year = date(UNCOVERED_YEAR, 1, 1)
    calendar_day_set(actor=calendar_staff, day=new_year, kind=DayKind.HOLIDAY, name="元旦")
    with pytest.raises(CalendarNotCovered):  # days entered, year not yet marked complete
        add_working_days(date(LAST_YEAR, 12, 31), 1)
    calendar_year_set(actor=calendar_staff, year=UNCOVERED_YEAR, is_complete=True, note="通知")
    expected = new_year + timedelta(days=1)
    while expected.weekday() >= 5:
        expected += timedelta(days=1)
    assert add_working_days(date(LAST_YEAR, 12, 31), 1) == expected


def test_marking_a_year_incomplete_withdraws_it(calendar_staff):
    """A year found wrong can be withdrawn: its dates raise until it is fixed."""
    calendar_year_set(actor=calendar_staff, year=2026, is_complete=False)
    with pytest.raises(CalendarNotCovered):
        is_working_day(date(2026, 5, 6))
    assert is_working_day(date(2025, 5, 6)) is True


@pytest.mark.parametrize(
    ("today", "ids"),
    [
        (f"{LAST_YEAR}-06-01 12:00 +0800", []),
        (f"{LAST_YEAR}-10-31 23:59 +0800", []),
        (f"{LAST_YEAR}-11-01 08:00 +0800", ["workdays.W002"]),
        (f"{UNCOVERED_YEAR}-01-04 09:00 +0800", ["workdays.W001"]),
    ],
)
def test_coverage_check_alerts_from_november(today, ids):
    """W002 from November when next year is missing (STANDARDS 6.3.6); W001 for this year."""
    with time_machine.travel(today, tick=False):
        messages = check_calendar_coverage(None, databases=["default"])
    assert [m.id for m in messages] == ids


def test_coverage_check_needs_the_database_alias():
    """Without --database the database check stays silent (Django's convention)."""
    with time_machine.travel(f"{UNCOVERED_YEAR}-01-04 09:00 +0800", tick=False):
        assert check_calendar_coverage(None, databases=None) == []
