"""Lockout state of an account (ACC-2), one row per user created on the first failure.

Kept in this app rather than on ``accounts.User`` so that sign-in owns its counters. The
counter is changed only by conditional ``UPDATE`` statements (``services``): two simultaneous
wrong passwords both count, and exactly one of them performs the lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SignInState(models.Model):
    """Consecutive wrong passwords and the lock of one account.

    ``failed_attempts`` counts wrong passwords since the last successful sign-in or unlock;
    it is not reset by time (seed 000 FAQ 9: a locked account stays locked until support or
    the owner unlocks it). ``locked_at`` is set when the count reaches
    ``ZHENGWU_SIGNIN_MAX_FAILURES``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="signin_state",
        verbose_name="账号",
    )
    failed_attempts = models.PositiveIntegerField("连续密码错误次数", default=0)
    last_failure_at = models.DateTimeField("最近一次密码错误时间", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)

    class Meta:
        verbose_name = "登录安全状态"
        verbose_name_plural = "登录安全状态"
        permissions = [("unlock_account", "解锁被锁定的账号")]
        constraints = [
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True) | Q(failed_attempts__gt=0),
                name="signin_state_locked_has_failures",
            )
        ]
        indexes = [
            models.Index(
                fields=["locked_at"],
                name="signin_state_locked_idx",
                condition=Q(locked_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failed_attempts}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
