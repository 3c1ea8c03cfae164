"""Counting working days (CAL-1, STANDARDS 6.3) on the 2025 and 2026 State Council calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from zhengwu.workdays.selectors import (
    WorkingCalendar,
    add_working_days,
    deadline,
    is_working_day,
    working_days_between,
)

from ._support import bj

pytestmark = pytest.mark.django_db


def _expand(spans):
    days = set()
    for first, last in spans:
        day = first
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


# STANDARDS 6.2, typed from the notices (国办发明电〔2024〕12号 and the notice of 2025-11-04).
OFFICIAL = {
    2025: (
        _expand(
            [
                (date(2025, 1, 1), date(2025, 1, 1)),
                (date(2025, 1, 28), date(2025, 2, 4)),
                (date(2025, 4, 4), date(2025, 4, 6)),
                (date(2025, 5, 1), date(2025, 5, 5)),
                (date(2025, 5, 31), date(2025, 6, 2)),
                (date(2025, 10, 1), date(2025, 10, 8)),
            ]
        ),
        {
            date(2025, 1, 26),
            date(2025, 2, 8),
            date(2025, 4, 27),
            date(2025, 9, 28),
            date(2025, 10, 11),
        },
    ),
    2026: (
        _expand(
            [
                (date(2026, 1, 1), date(2026, 1, 3)),
                (date(2026, 2, 15), date(2026, 2, 23)),
                (date(2026, 4, 4), date(2026, 4, 6)),
                (date(2026, 5, 1), date(2026, 5, 5)),
                (date(2026, 6, 19), date(2026, 6, 21)),
                (date(2026, 9, 25), date(2026, 9, 27)),
                (date(2026, 10, 1), date(2026, 10, 7)),
            ]
        ),
        {
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        },
    ),
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_the_notice_and_chinesecalendar(year):
    """Each day of 2025 and 2026 is a working day exactly as the notice and the library say."""
    holidays, adjusted = OFFICIAL[year]
    calendar = WorkingCalendar()
    day = date(year, 1, 1)
    while day.year == year:
        expected = day in adjusted or (day.weekday() < 5 and day not in holidays)
        assert calendar.is_working_day(day) is expected, day
        assert chinese_calendar.is_workday(day) is expected, day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("accepted", "n", "due"),
    [
        # STANDARDS 6.3.3: Friday before 春节 2025 → the 调休 Sunday; 国庆 2025 is skipped.
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        # 春节 2025 (1/28–2/4): the day before the holiday → the day after it; 2/8 (Sat) works.
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 1, 27), 4, date(2025, 2, 8)),
        (date(2025, 1, 27), 5, date(2025, 2, 10)),
        # 国庆 2025 (10/1–10/8): 9/28 (Sun) and 10/11 (Sat) work.
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 26), 4, date(2025, 10, 9)),
        (date(2025, 9, 26), 6, date(2025, 10, 11)),
        (date(2025, 9, 26), 7, date(2025, 10, 13)),
        # 春节 2026 (2/15–2/23, nine days): Friday 2/13 → the 调休 Saturday, then after the holiday.
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        # 国庆 2026 (10/1–10/7): 10/10 (Sat) works.
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        # Across the year end: 2026-01-01..03 off, Sunday 2026-01-04 works.
        (date(2025, 12, 31), 1, date(2026, 1, 4)),
    ],
)
def test_golden_deadlines_2025_2026(accepted, n, due):
    """N working days after acceptance land where the notices put them (start day not counted)."""
    assert add_working_days(accepted, n) == due


def test_start_day_never_counts_even_when_it_is_a_non_working_day():
    """Accepted on Saturday 2025-03-08 or Monday 2025-03-10 alike: one working day is the next."""
    assert add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 10), 1) == date(2025, 3, 11)
    assert add_working_days(date(2025, 10, 1), 1) == date(2025, 10, 9)


def test_zero_working_days_is_the_same_or_next_working_day():
    """即办件 (0 days): a working day stays; a Saturday or holiday rolls to the next working day."""
    assert add_working_days(date(2025, 3, 10), 0) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 10)
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 9)


def test_negative_working_days_are_refused():
    """A negative period is a programming error, not a date."""
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 10), -1)


def test_day_deadline_ends_at_midnight_or_at_close_of_business():
    """民法典 Art. 203: the last day ends at 24:00, or at closing time with business hours."""
    due = deadline(bj(2025, 9, 30, 10), working_days=1)
    assert due == datetime.combine(date(2025, 10, 9), datetime.max.time(), tzinfo=due.tzinfo)
    assert deadline(date(2025, 9, 30), working_days=1) == due
    assert deadline(bj(2025, 9, 30, 10), working_days=1, use_office_hours=True) == bj(
        2025, 10, 9, 17, 30
    )


def test_late_evening_utc_counts_on_the_beijing_date():
    """2025-01-23 17:30 UTC is Friday 01:30 in Beijing: one working day is Sunday 1/26 (调休)."""
    from datetime import UTC

    accepted = datetime(2025, 1, 23, 17, 30, tzinfo=UTC)
    assert deadline(accepted, working_days=1).date() == date(2025, 1, 26)


def test_deadline_needs_exactly_one_period():
    """Both or neither of working_days/working_hours is a programming error."""
    with pytest.raises(ValueError):
        deadline(bj(2025, 3, 10), working_days=1, working_hours=8)
    with pytest.raises(ValueError):
        deadline(bj(2025, 3, 10))


def test_working_days_between_counts_the_half_open_interval():
    """(start, end]: accepted 9/30, 10/9 is the first working day; used for pause and resume."""
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1


def test_is_working_day_accepts_aware_datetimes():
    """A datetime is judged by its Beijing date; naive datetimes are refused."""
    assert is_working_day(bj(2025, 9, 28, 9)) is True
    with pytest.raises(ValueError):
        is_working_day(datetime(2025, 9, 28, 9))
