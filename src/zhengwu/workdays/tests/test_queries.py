"""Deadlines cost a fixed, small number of queries, never one per day."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.workdays.selectors import WorkingCalendar, add_working_days, deadline

from ._support import bj, naive_add_working_days

pytestmark = pytest.mark.django_db


def test_thirty_working_day_deadline_across_a_year_end_costs_two_queries(
    django_assert_max_num_queries,
):
    """30 working days from 2025-12-10 reach 2026: one query for years, one for days."""
    with django_assert_max_num_queries(2):
        due = deadline(bj(2025, 12, 10, 10), working_days=30)
    # 15 in December, Sunday 2026-01-04 (调休), then 14 more after the New Year holiday.
    assert due.date() == date(2026, 1, 22) == naive_add_working_days(date(2025, 12, 10), 30)


def test_48_working_hours_cost_two_queries(django_assert_max_num_queries):
    """An hour deadline loads the calendar the same way."""
    with django_assert_max_num_queries(2):
        deadline(bj(2025, 9, 30, 10), working_hours=48)


def test_a_shared_calendar_loads_each_year_once(django_assert_num_queries):
    """A list page computing many deadlines passes one WorkingCalendar: two queries in all."""
    calendar = WorkingCalendar()
    with django_assert_num_queries(2):
        for day in range(1, 29):
            add_working_days(date(2025, 2, day), 20, calendar=calendar)
