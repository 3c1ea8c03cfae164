"""Helpers shared by the working-day tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar

from zhengwu.workdays.constants import CALENDAR_TZ
from zhengwu.workdays.seeding import library_calendar

# What the installed chinesecalendar knows (1.11.0: 2004–2026), so that upgrading it keeps the
# tests meaningful: the first year after it is the "uncovered" year.
LIBRARY_VERSION, LIBRARY_YEARS, _ = library_calendar()
LAST_YEAR = LIBRARY_YEARS[-1]
UNCOVERED_YEAR = LAST_YEAR + 1
LIBRARY_LAST_DAY = date(LAST_YEAR, 12, 31)


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime in Beijing time."""
    return datetime(year, month, day, hour, minute, tzinfo=CALENDAR_TZ)


def naive_add_working_days(start: date, n: int) -> date | None:
    """Day-by-day reference using chinesecalendar; None when it runs past the library's data."""
    day, counted = start, 0
    if n == 0:
        while not chinese_calendar.is_workday(day):
            day += timedelta(days=1)
        return day
    while counted < n:
        day += timedelta(days=1)
        if day > LIBRARY_LAST_DAY:
            return None
        counted += chinese_calendar.is_workday(day)
    return day
