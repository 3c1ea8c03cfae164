"""Reads of the working-day calendar: is a date a working day, and when is a deadline due.

The rules (CAL-1, STANDARDS 6.3; docs/workflows/working-days.md):

* A **working day** is an adjusted working weekend (调休上班), or a Monday–Friday that is not a
  holiday of the State Council notice (行政许可法 Art. 82: periods in 工作日 exclude statutory
  holidays; 国务院放假办法 Art. 7: the yearly notice fixes the days off and 调休).
* **N working days** from a start date: the start day itself is never counted (民法典 Art. 201),
  whether it is a working day or not and whatever the hour; the deadline is the end of the N-th
  working day after it (Art. 203: 24:00, or close of business where business hours apply).
* **N working hours** start at the stated instant (Art. 201) and elapse only on working days;
  by default through the whole working day (STANDARDS 6.3.4 (a)), or only within the published
  office hours when ``use_office_hours=True``.
* A date in a year whose notice is not encoded raises ``CalendarNotCovered``: never a guess.

Every function takes an optional ``calendar=``: a ``WorkingCalendar`` loads each year once, so
callers computing many deadlines (a list page, a batch) share one and pay two queries per pair
of years instead of two per call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .conf import WHOLE_DAY, Window, office_hours
from .constants import CALENDAR_TZ, DayKind
from .errors import CalendarNotCovered
from .models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

ONE_DAY = timedelta(days=1)
Hours = int | float | Decimal | timedelta


@dataclass(frozen=True, slots=True)
class _Year:
    """The exceptions of one year, as loaded from the database."""

    is_covered: bool
    holidays: frozenset[date]
    working_weekends: frozenset[date]


def _local(moment: datetime) -> datetime:
    """``moment`` in Beijing time; naive datetimes are refused (the wall clock is ambiguous)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("An aware datetime is required (USE_TZ): got a naive one.")
    return moment.astimezone(CALENDAR_TZ)


def _as_date(value: date) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


def _at(day: date, minute: int) -> datetime:
    """The instant ``minute`` minutes after midnight of ``day``, Beijing time."""
    return datetime.combine(day, time(), tzinfo=CALENDAR_TZ) + timedelta(minutes=minute)


def _as_timedelta(hours: Hours) -> timedelta:
    amount = hours if isinstance(hours, timedelta) else timedelta(hours=float(hours))
    if amount < timedelta(0):
        raise ValueError("The number of working hours must not be negative.")
    return amount


class WorkingCalendar:
    """A read-only view of the calendar for one call chain.

    Loads a year's exceptions the first time a date in it is asked about, together with the
    following year (deadlines run forward): two queries per pair of years, never one per day.
    It does not see edits made after it loaded a year, so keep it for one request or one batch.
    """

    def __init__(self) -> None:
        self._years: dict[int, _Year] = {}

    # --- loading ------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        if year not in self._years:
            self._load(year, min(year + 1, date.max.year))
        return self._years[year]

    def _load(self, first: int, last: int) -> None:
        wanted = [y for y in range(first, last + 1) if y not in self._years]
        covered = set(
            CalendarYear.objects.filter(year__in=wanted, is_complete=True).values_list(
                "year", flat=True
            )
        )
        holidays: dict[int, set[date]] = {y: set() for y in wanted}
        weekends: dict[int, set[date]] = {y: set() for y in wanted}
        if covered:
            rows = CalendarDay.objects.filter(
                date__gte=date(min(covered), 1, 1), date__lte=date(max(covered), 12, 31)
            ).values_list("date", "kind")
            for day, kind in rows:
                if day.year not in covered:
                    continue
                if kind == DayKind.HOLIDAY:
                    holidays[day.year].add(day)
                elif kind == DayKind.ADJUSTED_WORKING_DAY:
                    weekends[day.year].add(day)
                # DayKind.REGULAR: a staff override that restores the Mon–Fri rule.
        for y in wanted:
            self._years[y] = _Year(y in covered, frozenset(holidays[y]), frozenset(weekends[y]))

    # --- days -----------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """STANDARDS 6.3.1: 调休上班 weekends work; Mon–Fri work unless the notice says off."""
        day = _as_date(day)
        year = self._year(day.year)
        if not year.is_covered:
            logger.error("Working-day calendar: year %s is not covered (CAL-1).", day.year)
            raise CalendarNotCovered(day.year)
        if day in year.working_weekends:
            return True
        if day in year.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The N-th working day after ``start``; ``start`` itself never counts (民法典 Art. 201).

        ``n == 0`` (即办件, on the spot) gives ``start`` if it is a working day, else the next
        working day. A datetime is first converted to its Beijing date.
        """
        if n < 0:
            raise ValueError("The number of working days must not be negative.")
        day = _as_date(start)
        if n == 0:
            while not self.is_working_day(day):
                day += ONE_DAY
            return day
        counted = 0
        while counted < n:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in ``(start, end]`` (negative if ``end`` is earlier).

        The inverse of ``add_working_days``: use it to stop and restart a clock (补正, the
        procedures of 行政许可法 Art. 45): remaining = N − days used before the pause.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    # --- hours ----------------------------------------------------------------------
    def _windows(self, use_office_hours: bool) -> tuple[Window, ...]:
        return office_hours() if use_office_hours else WHOLE_DAY

    def working_hours_between(
        self, start: datetime, end: datetime, *, use_office_hours: bool = False
    ) -> timedelta:
        """Working time elapsed between two aware instants (negative if ``end`` is earlier).

        Only working days count; on them the whole day (STANDARDS 6.3.4 (a)) or, with
        ``use_office_hours``, only ``ZHENGWU_OFFICE_HOURS``.
        """
        if end < start:
            return -self.working_hours_between(end, start, use_office_hours=use_office_hours)
        start, end = _local(start), _local(end)
        windows = self._windows(use_office_hours)
        total = timedelta(0)
        day = start.date()
        while _at(day, 0) < end:
            if self.is_working_day(day):
                for first, last in windows:
                    low, high = max(_at(day, first), start), min(_at(day, last), end)
                    if high > low:
                        total += high - low
            day += ONE_DAY
        return total

    def add_working_hours(
        self, start: datetime, hours: Hours, *, use_office_hours: bool = False
    ) -> datetime:
        """The first instant at which ``hours`` of working time have elapsed since ``start``.

        Hour periods start at the stated instant (民法典 Art. 201). A period that runs out
        exactly when a window closes ends then (e.g. 17:30), not at the next opening.
        """
        remaining = _as_timedelta(hours)
        start = _local(start)
        if not remaining:
            return start
        windows = self._windows(use_office_hours)
        day = start.date()
        while True:
            if self.is_working_day(day):
                for first, last in windows:
                    low, high = max(_at(day, first), start), _at(day, last)
                    if high <= low:
                        continue
                    if remaining <= high - low:
                        return low + remaining
                    remaining -= high - low
            day += ONE_DAY

    # --- deadlines ------------------------------------------------------------------
    def end_of_day(self, day: date, *, use_office_hours: bool = False) -> datetime:
        """The last instant of ``day`` for a deadline (民法典 Art. 203).

        24:00 is represented as 23:59:59.999999 of the same date, so that the deadline shows
        the due date; "on time" means ``finished_at <= deadline``. With ``use_office_hours``
        it is the close of business (the end of the day's last office-hours window).
        """
        last = self._windows(use_office_hours)[-1][1]
        if last == 24 * 60:
            return datetime.combine(day, time.max, tzinfo=CALENDAR_TZ)
        return _at(day, last)

    def deadline(
        self,
        start: date,
        *,
        working_days: int | None = None,
        working_hours: Hours | None = None,
        use_office_hours: bool = False,
    ) -> datetime:
        """When a period that starts at ``start`` (the acceptance, 受理) runs out.

        Exactly one of ``working_days`` (end of the N-th working day after the start day) and
        ``working_hours`` (``add_working_hours``; ``start`` must then be an aware datetime).
        ``use_office_hours`` applies the service's published business hours: a day deadline
        ends at close of business, an hour period elapses only within office hours.
        """
        if (working_days is None) == (working_hours is None):
            raise ValueError("Give exactly one of working_days and working_hours.")
        if working_days is not None:
            due = self.add_working_days(start, working_days)
            return self.end_of_day(due, use_office_hours=use_office_hours)
        if not isinstance(start, datetime):
            raise TypeError("An hour period needs an aware datetime as its start.")
        assert working_hours is not None
        return self.add_working_hours(start, working_hours, use_office_hours=use_office_hours)


# --- the same reads as functions (one fresh calendar per call unless one is passed) -------
def is_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> bool:
    """Whether ``day`` is a working day (STANDARDS 6.3.1). See ``WorkingCalendar``."""
    return (calendar or WorkingCalendar()).is_working_day(day)


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The N-th working day after ``start`` (start day not counted). See ``WorkingCalendar``."""
    return (calendar or WorkingCalendar()).add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """The number of working days in ``(start, end]``. See ``WorkingCalendar``."""
    return (calendar or WorkingCalendar()).working_days_between(start, end)


def working_hours_between(
    start: datetime,
    end: datetime,
    *,
    use_office_hours: bool = False,
    calendar: WorkingCalendar | None = None,
) -> timedelta:
    """Working time between two aware instants. See ``WorkingCalendar``."""
    return (calendar or WorkingCalendar()).working_hours_between(
        start, end, use_office_hours=use_office_hours
    )


def add_working_hours(
    start: datetime,
    hours: Hours,
    *,
    use_office_hours: bool = False,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """The instant ``hours`` working hours after ``start``. See ``WorkingCalendar``."""
    return (calendar or WorkingCalendar()).add_working_hours(
        start, hours, use_office_hours=use_office_hours
    )


def deadline(
    start: date,
    *,
    working_days: int | None = None,
    working_hours: Hours | None = None,
    use_office_hours: bool = False,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """When a period of working days or working hours from ``start`` runs out (aware)."""
    return (calendar or WorkingCalendar()).deadline(
        start,
        working_days=working_days,
        working_hours=working_hours,
        use_office_hours=use_office_hours,
    )


def covered_years() -> list[int]:
    """The years whose State Council notice is encoded, ascending."""
    return list(
        CalendarYear.objects.filter(is_complete=True)
        .order_by("year")
        .values_list("year", flat=True)
    )
