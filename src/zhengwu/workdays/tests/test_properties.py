"""Property tests: the calendar agrees with a naive day-by-day count using chinesecalendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.workdays.errors import CalendarNotCovered
from zhengwu.workdays.selectors import (
    WorkingCalendar,
    add_working_hours,
    working_days_between,
    working_hours_between,
)

from ._support import LIBRARY_LAST_DAY, bj, naive_add_working_days

pytestmark = pytest.mark.django_db

# One calendar for all examples: the data does not change during these tests.
CALENDAR = WorkingCalendar()


@settings(max_examples=400, deadline=None)
@given(start=st.dates(date(2004, 1, 1), LIBRARY_LAST_DAY), n=st.integers(0, 80))
def test_add_working_days_matches_chinesecalendar(start, n):
    """For every covered start and N, the result is the naive count's; past the data: refused."""
    expected = naive_add_working_days(start, n)
    if expected is None:
        with pytest.raises(CalendarNotCovered):
            CALENDAR.add_working_days(start, n)
    else:
        assert CALENDAR.add_working_days(start, n) == expected


@settings(max_examples=200, deadline=None)
@given(start=st.dates(date(2004, 1, 1), date(2026, 6, 30)), n=st.integers(1, 80))
def test_working_days_between_inverts_add_working_days(start, n):
    """(start, start + N working days] holds exactly N working days."""
    end = CALENDAR.add_working_days(start, n)
    assert working_days_between(start, end, calendar=CALENDAR) == n
    assert working_days_between(start, end - timedelta(days=1), calendar=CALENDAR) == n - 1


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(date(2024, 1, 1), date(2026, 10, 15)),
    minute=st.integers(0, 24 * 60 - 1),
    minutes=st.integers(0, 200 * 60),
    use_office_hours=st.booleans(),
)
def test_working_hours_between_inverts_add_working_hours(day, minute, minutes, use_office_hours):
    """The working time between a start and start + H working hours is exactly H."""
    start = bj(day.year, day.month, day.day) + timedelta(minutes=minute)
    amount = timedelta(minutes=minutes)
    end = add_working_hours(start, amount, use_office_hours=use_office_hours, calendar=CALENDAR)
    assert end >= start
    assert (
        working_hours_between(start, end, use_office_hours=use_office_hours, calendar=CALENDAR)
        == amount
    )
