"""Start-up checks of the working-day calendar, with stable ids.

``workdays.W001``/``W002`` need the database, so they run with ``manage.py migrate`` and
``manage.py check --database default`` (run it daily from cron for the November alert,
STANDARDS 6.3.6: the next year's notice is published each November).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone

from .conf import office_hours
from .constants import CALENDAR_TZ

ALERT_FROM_MONTH = 11


@checks.register()
def check_office_hours(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """workdays.E001: ZHENGWU_OFFICE_HOURS must parse."""
    try:
        office_hours()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc), hint='e.g. (("09:00", "12:00"), ("13:30", "17:30"))', id="workdays.E001"
            )
        ]
    return []


@checks.register(checks.Tags.database)
def check_calendar_coverage(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """workdays.W001: this year is not covered; W002: from November, next year is not."""
    from .models import CalendarYear

    if "default" not in (kwargs.get("databases") or []):
        return []
    today = timezone.now().astimezone(CALENDAR_TZ).date()
    wanted = [today.year] + ([today.year + 1] if today.month >= ALERT_FROM_MONTH else [])
    try:
        covered = set(
            CalendarYear.objects.filter(year__in=wanted, is_complete=True).values_list(
                "year", flat=True
            )
        )
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    messages: list[checks.CheckMessage] = []
    hint = (
        "Enter the State Council holiday notice in the back office (工作日历) and mark the "
        "year complete; see docs/workflows/working-days.md."
    )
    if today.year not in covered:
        messages.append(
            checks.Warning(
                f"The working-day calendar does not cover {today.year}: every deadline fails.",
                hint=hint,
                id="workdays.W001",
            )
        )
    if len(wanted) > 1 and wanted[1] not in covered:
        messages.append(
            checks.Warning(
                f"The working-day calendar does not cover {wanted[1]} yet: deadlines that reach "
                "into it fail.",
                hint=hint,
                id="workdays.W002",
            )
        )
    return messages
