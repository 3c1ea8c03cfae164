"""Tables of the sandbox providers. Real vendors keep this state on their side.

* ``SandboxSms``: every message the sandbox SMS gateway was asked to send, delivered or
  refused: the sandbox "phone" and the tests read it (``/sandbox/sms/``).
* ``SandboxFaceCheck``: every face check started with the sandbox identity provider, decided
  by a person on ``/sandbox/identity/`` or by the documented inputs.

Mobiles, names, ID numbers and SMS texts are personal data even here (ACC-7): encrypted at rest,
masked on the sandbox pages.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name


class SandboxSms(models.Model):
    """One send request received by ``SandboxSmsGateway`` and what the sandbox did with it."""

    class Status(models.TextChoices):
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    mobile = EncryptedTextField(_("手机号码"))
    mobile_hash = hash_field(verbose_name=_("手机号码索引"))
    text = EncryptedTextField(_("短信内容"))
    template_code = models.CharField(_("模板编码"), max_length=64, blank=True)
    reference = models.CharField(_("业务流水号"), max_length=64, db_index=True)
    provider_message_id = models.CharField(_("短信ID"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    is_permanent = models.BooleanField(_("永久失败"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("沙箱短信")
        verbose_name_plural = _("沙箱短信")
        ordering = ["-created_at", "-id"]
        constraints = [
            # idempotency by reference, held by the database: two workers sending the same
            # outbox message at once deliver it once
            models.UniqueConstraint(
                fields=["reference"],
                condition=models.Q(status="delivered"),
                name="sandbox_sms_delivered_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_status_display()}"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class SandboxSwitch(models.Model):
    """A fault the sandbox simulates for every host and worker until switched off (a row, not
    a per-process cache entry: the page, the command and the task workers are separate
    processes). ``name``: ``sms_outage`` (the whole SMS gateway down)."""

    SMS_OUTAGE = "sms_outage"

    name = models.CharField(_("名称"), max_length=64, unique=True)
    is_on = models.BooleanField(_("开启"), default=False)
    changed_at = models.DateTimeField(_("切换时间"), default=timezone.now)

    class Meta:
        verbose_name = _("沙箱故障开关")
        verbose_name_plural = _("沙箱故障开关")

    def __str__(self) -> str:
        return f"{self.name} {'on' if self.is_on else 'off'}"


class SandboxFaceCheck(models.Model):
    """One face check of the sandbox identity provider (REG-6), waiting for the "phone"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待识别")
        PASSED = "passed", _("通过")
        FAILED = "failed", _("不通过")
        EXPIRED = "expired", _("已过期")

    token = models.CharField(_("令牌"), max_length=64, unique=True)
    name = EncryptedTextField(_("姓名"))
    id_type = models.CharField(_("证件类型"), max_length=32)
    id_number = EncryptedTextField(_("证件号码"))
    purpose = models.CharField(_("用途"), max_length=64)
    subject = models.CharField(_("业务对象"), max_length=128, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("过期时间"))
    decided_at = models.DateTimeField(_("识别时间"), null=True, blank=True)
    decided_by = models.CharField(_("识别方式"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("沙箱人脸识别")
        verbose_name_plural = _("沙箱人脸识别")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.get_status_display()}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def purpose_label(self) -> str:
        from .identity.base import PURPOSE_LABELS

        return str(PURPOSE_LABELS.get(self.purpose, self.purpose))

    @property
    def is_open(self) -> bool:
        """Still pending and not past its expiry: the buttons may decide it."""
        return self.status == self.Status.PENDING and timezone.now() < self.expires_at

    @property
    def display_status(self) -> str:
        """The status label, showing 已过期 for a pending check past its expiry."""
        if self.status == self.Status.PENDING and not self.is_open:
            return str(self.Status.EXPIRED.label)
        return str(self.get_status_display())
