"""Sign-in records (账号安全): one row per session opened, for the account-security page.

The audit log (``zhengwu.audit``) is the legal record of sign-ins; this table is the owner's
view of them: which method, from where, on which device, and which sessions are still open
(``session_key``; "sign out everywhere else" deletes those sessions and sets ``ended_at``).
The address and the device are personal data of the owner only, kept as long as sessions are
interesting: ``RECORDS_KEPT`` per account.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInRecord(models.Model):
    class Method(models.TextChoices):
        PASSWORD = "password", _("账号密码")
        MOBILE = "mobile", _("手机号密码")
        NATIONAL = "national", _("国家政务服务平台账号")
        LICENCE = "licence", _("电子营业执照扫码")
        CERTIFICATE = "certificate", _("法人数字证书")
        OTHER = "other", _("其他方式")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signin_records",
        verbose_name=_("账号"),
    )
    session_key = models.CharField(_("会话"), max_length=64, blank=True, db_index=True)
    method = models.CharField(_("登录方式"), max_length=16, choices=Method.choices)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="workspace_signin_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    method__in=["password", "mobile", "national", "licence", "certificate", "other"]
                ),
                name="workspace_signin_method_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.created_at:%Y-%m-%d %H:%M}"
