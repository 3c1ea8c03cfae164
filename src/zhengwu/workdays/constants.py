"""Kinds of calendar exceptions, data sources and audit event names of the working-day calendar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models

# The State Council calendar is defined in Beijing time, whatever settings.TIME_ZONE says.
# Asia/Shanghai has had no daylight-saving time since 1991, so local wall-clock arithmetic on
# the dates the calendar covers (2004 onwards) is exact.
CALENDAR_TZ = ZoneInfo("Asia/Shanghai")


class DayKind(models.TextChoices):
    """How a stored date departs from the Mon–Fri rule (国务院放假办法 Art. 7, STANDARDS 6.3.1)."""

    # A day off announced by the State Council notice (statutory holiday or 调休 rest day).
    HOLIDAY = "holiday", "法定节假日（放假）"
    # A Saturday or Sunday the notice makes a working day (调休上班).
    ADJUSTED_WORKING_DAY = "adjusted_working_day", "调休上班"
    # A staff override that cancels a seeded exception: the date follows the Mon–Fri rule.
    REGULAR = "regular", "按常规（周一至周五上班）"


class Source(models.TextChoices):
    """Where a row comes from; the seed never overwrites ``STAFF`` rows."""

    CHINESE_CALENDAR = "chinesecalendar", "chinesecalendar 库"
    STAFF = "staff", "工作人员录入"


EVENT_DAY_CHANGED = "workdays.day_changed"
EVENT_YEAR_CHANGED = "workdays.year_changed"
EVENT_SEEDED = "workdays.seeded"
