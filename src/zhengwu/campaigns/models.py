"""Campaigns (专项行动, SVC-4): configuration, weekly snapshots frozen once reported, and the
assisted registrations (帮办) recorded at the counter."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .constants import (
    DEFAULT_POPULATION,
    DEFAULT_REPORT_HOUR,
    DEFAULT_REPORT_WEEKDAY,
    Category,
    Measure,
)


def _default_population() -> list[str]:
    return list(DEFAULT_POPULATION)


class Campaign(models.Model):
    """One campaign: a measure over a population of the register, from a start date, with
    milestones and a weekly reporting moment. EC-4's claim campaign is one of them
    (measure 领码)."""

    name = models.CharField("名称", max_length=100)
    measure = models.CharField("统计口径", max_length=16, choices=Measure.choices)
    population = models.JSONField(
        "统计范围（市场主体类别）",
        default=_default_population,
        help_text="企业法人、个人独资企业、合伙企业、个体工商户、农民专业合作社中的一种或多种。",
    )
    region_prefix = models.CharField(
        "行政区划代码前缀",
        max_length=6,
        blank=True,
        help_text="如 341523（舒城县）；留空为全部地区。",
    )
    start = models.DateField("开始日期")
    report_weekday = models.PositiveSmallIntegerField(
        "周报星期",
        default=DEFAULT_REPORT_WEEKDAY,
        choices=[
            (0, "星期一"),
            (1, "星期二"),
            (2, "星期三"),
            (3, "星期四"),
            (4, "星期五"),
            (5, "星期六"),
            (6, "星期日"),
        ],
    )
    report_hour = models.PositiveSmallIntegerField(
        "周报截止时点（时）", default=DEFAULT_REPORT_HOUR
    )
    is_active = models.BooleanField("进行中", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-start", "pk"]
        permissions = [
            ("view_campaign_figures", "查看专项行动统计"),
            ("reveal_phone", "查看未注册市场主体完整联系电话"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="campaigns_measure_valid"
            ),
            models.CheckConstraint(
                condition=Q(report_weekday__lte=6), name="campaigns_weekday_valid"
            ),
            models.CheckConstraint(condition=Q(report_hour__lte=23), name="campaigns_hour_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def population_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(key, key)) for key in self.population]


class Milestone(models.Model):
    """阶段目标: ``target_percent`` of the population done by ``due`` (end of that day)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="milestones", verbose_name="专项行动"
    )
    due = models.DateField("截止日期")
    target_percent = models.PositiveSmallIntegerField("目标比例（%）")

    class Meta:
        verbose_name = "阶段目标"
        verbose_name_plural = "阶段目标"
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "due"], name="campaigns_milestone_due"),
            models.CheckConstraint(
                condition=Q(target_percent__gte=1, target_percent__lte=100),
                name="campaigns_milestone_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due:%Y-%m-%d} {self.target_percent}%"


class FrozenQuerySet(models.QuerySet[Any]):
    """Snapshots are statistics once reported: never updated, never deleted."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Reported campaign snapshots are frozen.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Reported campaign snapshots are frozen.")


class _Frozen(models.Model):
    """Insert-only rows: the model and queryset refuse UPDATE and DELETE, and on PostgreSQL
    a trigger (migration 0002) refuses them in the database too — the audit log's approach."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Reported campaign snapshots are frozen.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Reported campaign snapshots are frozen.")


class Snapshot(_Frozen):
    """The figures of one week as reported (周统计): taken at the week's reporting moment,
    then frozen. ``week_ending`` is the reporting day."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="snapshots", verbose_name="专项行动"
    )
    week_ending = models.DateField("统计周（报送日）")
    as_of = models.DateTimeField("统计截止时间")
    taken_at = models.DateTimeField("生成时间", default=timezone.now)
    caught_up = models.BooleanField("补生成", default=False)

    class Meta:
        verbose_name = "周统计"
        verbose_name_plural = "周统计"
        ordering = ["campaign", "week_ending"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "week_ending"], name="campaigns_snapshot_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.week_ending:%Y-%m-%d}"


class SnapshotRow(_Frozen):
    """One group of a snapshot: supervision unit × region × category."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, related_name="rows", verbose_name="周统计"
    )
    supervision_unit = models.CharField("监管单位", max_length=100, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6)
    category = models.CharField("市场主体类别", max_length=32, choices=Category.choices)
    population = models.PositiveIntegerField("市场主体数")
    done = models.PositiveIntegerField("累计完成数")
    new = models.PositiveIntegerField("本周新增")
    assisted = models.PositiveIntegerField("其中帮办")

    class Meta:
        verbose_name = "周统计明细"
        verbose_name_plural = "周统计明细"
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "supervision_unit", "region_code", "category"],
                name="campaigns_snapshot_row_group",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("population"))
                & Q(new__lte=models.F("done"))
                & Q(assisted__lte=models.F("done")),
                name="campaigns_snapshot_row_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervision_unit} {self.region_code} {self.category}"


class AssistedRegistration(models.Model):
    """帮办: window staff started a registration for a unit at the counter. Keyed by USCC (the
    organisation does not exist yet); ``organisation`` is filled when the wizard creates it.
    The legal representative still passes the face check and the SMS code in the wizard."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    helped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="帮办人员",
    )
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_registration",
        verbose_name="单位",
    )
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "帮办注册"
        verbose_name_plural = "帮办注册"
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(completed_at__isnull=False),
                name="campaigns_assist_completed",
            ),
        ]

    def __str__(self) -> str:
        return self.uscc
