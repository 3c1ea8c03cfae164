"""Working hours (REG-9 Heilongjiang, REG-11: 48 working hours; STANDARDS 6.3.4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from zhengwu.workdays.checks import check_office_hours
from zhengwu.workdays.selectors import add_working_hours, deadline, working_hours_between

from ._support import bj

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


def test_standards_example_48_hours_across_national_day():
    """STANDARDS 6.3.4 (a): submitted 2025-09-30 10:00, 48 working hours → 2025-10-10 10:00."""
    assert add_working_hours(bj(2025, 9, 30, 10), 48) == bj(2025, 10, 10, 10)
    assert deadline(bj(2025, 9, 30, 10), working_hours=48) == bj(2025, 10, 10, 10)


def test_48_working_hours_from_a_friday_afternoon():
    """Fri 2025-03-07 15:00: 9 h Friday, weekend skipped, 24 h Monday, 15 h Tuesday."""
    assert add_working_hours(bj(2025, 3, 7, 15), 48) == bj(2025, 3, 11, 15)


def test_48_working_hours_from_a_friday_afternoon_count_the_adjusted_sunday():
    """Fri 2026-09-18 15:00: Sunday 9/20 is 调休上班, so 48 h end on Monday 9/21 15:00."""
    assert add_working_hours(bj(2026, 9, 18, 15), 48) == bj(2026, 9, 21, 15)


def test_48_working_hours_within_office_hours_from_a_friday_afternoon():
    """09:00–12:00 + 13:30–17:30 (7 h a day): 2.5 h Fri, six full days, 3.5 h on Tue 3/18."""
    assert add_working_hours(bj(2025, 3, 7, 15), 48, use_office_hours=True) == bj(2025, 3, 18, 14)


def test_hours_started_outside_office_hours_start_at_the_next_opening():
    """Submitted Saturday night: office hours start counting Monday 09:00."""
    start = bj(2025, 3, 8, 22)
    assert add_working_hours(start, 1, use_office_hours=True) == bj(2025, 3, 10, 10)
    assert add_working_hours(start, 3, use_office_hours=True) == bj(2025, 3, 10, 12)
    assert add_working_hours(start, 3.5, use_office_hours=True) == bj(2025, 3, 10, 14)


def test_period_ending_at_closing_time_ends_then_not_at_the_next_opening():
    """7 office hours from Monday 09:00 end Monday 17:30, not Tuesday 09:00."""
    assert add_working_hours(bj(2025, 3, 10, 9), 7, use_office_hours=True) == bj(
        2025, 3, 10, 17, 30
    )


def test_zero_hours_is_the_start_itself():
    """Nothing to wait for: the instant given, even on a holiday."""
    assert add_working_hours(bj(2025, 10, 3, 8), 0) == bj(2025, 10, 3, 8)


def test_working_hours_between_skips_nights_weekends_and_holidays():
    """Fri 2025-09-26 16:00 → Thu 10/9 10:00: 8 + 24 (Sun 调休) + 24 + 24 + 10 = 90 h."""
    start, end = bj(2025, 9, 26, 16), bj(2025, 10, 9, 10)
    assert working_hours_between(start, end) == 90 * H
    # Office hours: 1.5 (Fri) + 7 (Sun) + 7 (Mon) + 7 (Tue) + 1 (Thu 09:00–10:00).
    assert working_hours_between(start, end, use_office_hours=True) == timedelta(hours=23.5)


def test_working_hours_between_overnight_and_lunch():
    """Mon 16:00 → Tue 10:00 is 18 h of working day, 2.5 office hours (the night never counts)."""
    start, end = bj(2025, 3, 10, 16), bj(2025, 3, 11, 10)
    assert working_hours_between(start, end) == 18 * H
    assert working_hours_between(start, end, use_office_hours=True) == timedelta(hours=2.5)
    lunch = working_hours_between(bj(2025, 3, 10, 11), bj(2025, 3, 10, 14), use_office_hours=True)
    assert lunch == timedelta(hours=1.5)


def test_working_hours_between_is_antisymmetric_and_zero_on_holidays():
    """Reversed bounds give the negative; a whole holiday week gives nothing."""
    assert working_hours_between(bj(2025, 3, 11), bj(2025, 3, 10)) == -24 * H
    assert working_hours_between(bj(2025, 10, 1), bj(2025, 10, 9)) == timedelta(0)


def test_naive_datetimes_and_negative_hours_are_refused():
    """Hour arithmetic needs aware datetimes and a non-negative amount."""
    with pytest.raises(ValueError):
        add_working_hours(datetime(2025, 3, 10, 9), 1)
    with pytest.raises(ValueError):
        add_working_hours(bj(2025, 3, 10, 9), -1)
    with pytest.raises(TypeError):
        deadline(bj(2025, 3, 10).date(), working_hours=8)


def test_office_hours_come_from_the_setting(settings):
    """ZHENGWU_OFFICE_HOURS changes closing time and hour counting."""
    settings.ZHENGWU_OFFICE_HOURS = (("08:30", "12:00"), ("14:00", "18:00"))
    assert deadline(bj(2025, 3, 10), working_days=1, use_office_hours=True) == bj(2025, 3, 11, 18)
    assert add_working_hours(bj(2025, 3, 10, 8), 4, use_office_hours=True) == bj(
        2025, 3, 10, 14, 30
    )


@pytest.mark.parametrize(
    "value",
    [(), (("9:00", "12:00"),), (("12:00", "09:00"),), (("09:00", "13:00"), ("12:00", "17:00"))],
)
def test_malformed_office_hours_fail_the_start_up_check(settings, value):
    """workdays.E001 names the setting instead of failing on the first deadline."""
    settings.ZHENGWU_OFFICE_HOURS = value
    assert [m.id for m in check_office_hours(None)] == ["workdays.E001"]
