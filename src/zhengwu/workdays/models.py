"""The working-day calendar as data (CAL-1, STANDARDS 6.2).

The yearly 国务院办公厅 holiday notice cannot be computed, so it is stored: ``CalendarDay`` holds
the dates that depart from the Mon–Fri rule, ``CalendarYear`` records which years' notices are
fully encoded. A date in a year without a complete ``CalendarYear`` is never guessed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .constants import DayKind, Source

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class CalendarYear(models.Model):
    """One year of the calendar and whether its State Council notice is encoded.

    ``is_complete`` is the coverage flag: only then do computations use the year. The seed
    marks every year chinesecalendar knows; staff mark later years after entering the notice.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    is_complete = models.BooleanField(
        "放假安排已完整录入",
        default=False,
        help_text="勾选表示该年国务院办公厅放假通知已全部录入，系统才会用该年计算办理时限。",
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.STAFF)
    note = models.CharField(
        "备注", max_length=200, blank=True, help_text="例如通知文号：国办发明电〔2024〕12号"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1949, year__lte=2999), name="workdays_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """One date that is not an ordinary Mon–Fri working day or ordinary weekend.

    Holiday rows cover the whole 放假 block as the notice publishes it (weekend days inside
    it included), so that every day off carries its holiday's name.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=24, choices=DayKind.choices)
    name = models.CharField("节日名称", max_length=64, blank=True, help_text="例如：春节、国庆节")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.STAFF)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="最后修改人",
    )
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="workdays_day_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values), name="workdays_day_source_valid"
            ),
        ]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date:%Y-%m-%d}（{WEEKDAY_NAMES[self.date.weekday()]}）{label}"

    def clean(self) -> None:
        """调休上班 only makes sense on a weekend: Mon–Fri are working days anyway."""
        if (
            self.kind == DayKind.ADJUSTED_WORKING_DAY
            and self.date is not None
            and self.date.weekday() < 5
        ):
            raise ValidationError(
                {
                    "kind": f"{self.date:%Y-%m-%d}是{WEEKDAY_NAMES[self.date.weekday()]}，"
                    "本就是工作日，只有周六、周日才能设为调休上班"
                }
            )
