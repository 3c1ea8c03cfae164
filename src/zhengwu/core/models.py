"""Core models: the workflow history shared by every workflow, and the holiday table."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Transition(models.Model):
    """One state change of one workflow object (from, to, actor, reason, at).

    Written only by ``zhengwu.core.workflow.transition``; never updated.
    """

    subject_type = models.CharField("对象类型", max_length=64)
    subject_id = models.CharField("对象ID", max_length=64)
    from_state = models.CharField("原状态", max_length=32)
    to_state = models.CharField("新状态", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    reason = models.TextField("原因", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id}: {self.from_state} → {self.to_state}"
