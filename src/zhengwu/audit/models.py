"""The append-only audit log (ACC-8)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One security-relevant event: who did what to which subject, from where, when.

    Rows are never updated or deleted: the model and queryset refuse it, and on PostgreSQL
    a trigger (migration 0002) refuses it in the database too. ``actor_id`` is a plain
    integer, not a foreign key, so that a durable failure event written on a second
    connection never waits on row locks held by the failing transaction.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    # Indexed with created_at below (filters + newest first). The subject is found through
    # (subject_type, subject_id, created_at): a single-column subject_id index (and its LIKE
    # twin on PostgreSQL) cost every write and served no query (dropped in 0004).
    event_type = models.CharField("事件类型", max_length=64)
    outcome = models.CharField(
        "结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    subject_type = models.CharField("对象类型", max_length=64, blank=True)
    subject_id = models.CharField("对象ID", max_length=64, blank=True)
    # The organisation the event concerns (ACC-5/ACC-8: the back office filters on it). A plain
    # integer like ``actor_id``: audit imports no subsystem, and rows outlive organisations.
    organisation_id = models.BigIntegerField("单位ID", null=True, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "created_at"]),
            # The back office's filters, each newest first (keyset paging on created_at, id).
            models.Index(fields=["event_type", "created_at"], name="audit_event_type_time_idx"),
            models.Index(fields=["actor_id", "created_at"], name="audit_actor_time_idx"),
            models.Index(fields=["organisation_id", "created_at"], name="audit_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditRole(models.Model):
    """Carries ``audit.view_audit_log`` (the 安全审计员 back office, ACC-8); no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_audit_log", "查看和导出审计日志")]
        verbose_name = "安全审计员"
        verbose_name_plural = "安全审计员"

    def __str__(self) -> str:
        return "安全审计员"
