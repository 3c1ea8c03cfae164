"""Errors of the working-day calendar."""

from __future__ import annotations

from zhengwu.core.errors import ZhengwuError


class CalendarNotCovered(ZhengwuError):
    """A computation needs a year whose State Council holiday notice is not encoded (CAL-1).

    Raised instead of guessing: a deadline computed with weekends only would be wrong by up
    to a week around 春节/国庆. Staff fix it by encoding the year in the back office.
    """

    code = "calendar.year_not_covered"
    status = 503

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"{year}年节假日安排尚未录入，请联系管理员维护工作日历")
