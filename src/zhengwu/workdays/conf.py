"""Settings of the working-day calendar, read with their defaults in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A window of a working day: (start, end) in minutes after midnight, end exclusive; 1440 = 24:00.
Window = tuple[int, int]

# Published business hours (办公时间) of a typical government service hall. STANDARDS/SPEC give
# no times; provinces publish their own (e.g. 8:30–12:00, 14:00–17:30 in summer), hence a setting.
DEFAULT_OFFICE_HOURS: tuple[tuple[str, str], ...] = (("09:00", "12:00"), ("13:30", "17:30"))

# STANDARDS 6.3.4 (a): "48 working hours" are hours that elapse only on working days, all 24 of
# them (submitted 2025-09-30 10:00 → due 2025-10-10 10:00). This is the default hour rule.
WHOLE_DAY: tuple[Window, ...] = ((0, 24 * 60),)

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def _minutes(text: str) -> int:
    match = _HHMM.match(text)
    if not match:
        raise ImproperlyConfigured(f"ZHENGWU_OFFICE_HOURS: {text!r} is not HH:MM.")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > 24 * 60:
        raise ImproperlyConfigured(f"ZHENGWU_OFFICE_HOURS: {text!r} is after 24:00.")
    return minutes


def parse_hours(value: Iterable[tuple[str, str]]) -> tuple[Window, ...]:
    """Parse ``(("09:00", "12:00"), ...)`` into sorted, non-overlapping minute windows."""
    windows = tuple((_minutes(start), _minutes(end)) for start, end in value)
    if not windows:
        raise ImproperlyConfigured("ZHENGWU_OFFICE_HOURS must hold at least one window.")
    previous_end = 0
    for start, end in windows:
        if start >= end or start < previous_end:
            raise ImproperlyConfigured(
                "ZHENGWU_OFFICE_HOURS windows must be increasing and must not overlap."
            )
        previous_end = end
    return windows


def office_hours() -> tuple[Window, ...]:
    """The business hours of every working day (``ZHENGWU_OFFICE_HOURS``), parsed."""
    return parse_hours(getattr(settings, "ZHENGWU_OFFICE_HOURS", DEFAULT_OFFICE_HOURS))
