"""The SMS outbox, its delivery attempts, verification codes and the per-mobile lock row.

Mobiles and texts are personal data (ACC-7): encrypted at rest, searched through the
``mobile_hash`` blind index (``blind_index(mobile, purpose="mobile")``). Verification codes are
never stored: only a keyed hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_mobile


class SmsMessage(models.Model):
    """One SMS to one mobile: the transactional outbox row (NTF-1).

    Written by ``sms_send`` inside the caller's transaction; the delivery task runs after
    commit. Its status moves only along ``TRANSITIONS``, by conditional updates in
    ``services.outbox`` (see there why not ``core.workflow.transition``); every delivery
    attempt is an ``SmsAttempt`` row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        # not sent because its content lapsed first (a verification code that expired while
        # the gateway was down): distinct from a delivery failure
        EXPIRED = "expired", _("已过期未发送")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.QUEUED: frozenset({Status.SENDING}),
        # back to QUEUED: a transient failure to retry, or a claim whose worker died
        Status.SENDING: frozenset({Status.SENT, Status.QUEUED, Status.FAILED, Status.EXPIRED}),
        Status.SENT: frozenset(),
        Status.FAILED: frozenset(),
        Status.EXPIRED: frozenset(),
    }

    mobile = EncryptedTextField(_("手机号码"))
    # Looked up by (mobile_hash, created_at) and template_code (the back office's filter):
    # the composite and the plain index below, not the column indexes (decision 0033).
    mobile_hash = hash_field(verbose_name=_("手机号码索引"), db_index=False)
    template_code = models.CharField(_("模板编码"), max_length=64)
    text = EncryptedTextField(_("短信内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("失效时间"), null=True, blank=True, help_text=_("过了此时间不再发送（如验证码短信）")
    )
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    claim_token = models.CharField(_("发送批次"), max_length=32, blank=True, editable=False)
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True)
    provider_message_id = models.CharField(_("短信平台ID"), max_length=64, blank=True)
    subject_type = models.CharField(_("业务对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("业务对象ID"), max_length=64, blank=True)
    actor_label = models.CharField(_("发起人"), max_length=150, blank=True)
    # The request that queued the message (``X-Request-ID``): its audit events (the change the
    # SMS announces, with the account and the address) carry the same id (decision 0035).
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True, editable=False)
    # Who gets the portal copy (消息), decided by ``sms_send`` from what the message is about
    # and written by the worker that takes the message (decision 0034): "" none (codes,
    # one-time links), "all" every portal account with the mobile, "user:<id>", "unit:<id>".
    inbox_scope = models.CharField(_("站内消息范围"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送成功时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_sms_due_idx"),
            models.Index(fields=["mobile_hash", "created_at"], name="notif_sms_mobile_idx"),
            models.Index(fields=["template_code"], name="notif_sms_template_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "expired"]),
                name="notif_sms_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notif_sms_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.masked_mobile} ({self.get_status_display()})"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_code(self) -> bool:
        """A verification-code message: its text is not shown to staff."""
        return self.template_code.startswith("verification_code.")


class SmsAttempt(models.Model):
    """One call of the gateway for one message, with its outcome (healthchecks' ``Flip``)."""

    message = models.ForeignKey(
        SmsMessage,
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
        verbose_name=_("短信"),
    )
    number = models.PositiveIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    is_success = models.BooleanField(_("成功"), default=False)
    is_permanent = models.BooleanField(_("永久失败"), default=False)
    error = models.CharField(_("错误"), max_length=200, blank=True)
    provider_code = models.CharField(_("平台错误码"), max_length=64, blank=True)
    provider_message_id = models.CharField(_("短信平台ID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")
        ordering = ["message_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="notif_attempt_unique"),
        ]

    def __str__(self) -> str:
        outcome = "ok" if self.is_success else ("permanent" if self.is_permanent else "retry")
        return f"#{self.message_id}/{self.number} {outcome}"


class VerificationCode(models.Model):
    """One SMS verification code for one mobile and purpose (REG-4, ACC-2, ACC-3, ACC-4).

    Only a keyed hash of the 6 digits is stored. At most one ``active`` code per mobile and
    purpose, enforced by a partial unique constraint: sending a new code supersedes the old.
    """

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("注册")
        SIGN_IN = "sign_in", _("登录")
        UNLOCK = "unlock", _("解锁账号")
        PASSWORD_RESET = "password_reset", _("重置密码")
        USERNAME_RECOVERY = "username_recovery", _("找回用户名")
        MOBILE_CHANGE = "mobile_change", _("变更手机号")

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        USED = "used", _("已使用")
        SUPERSEDED = "superseded", _("已被新验证码取代")
        LOCKED = "locked", _("错误次数过多")

    mobile_hash = hash_field(verbose_name=_("手机号码索引"))
    purpose = models.CharField(_("用途"), max_length=32, choices=Purpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=64, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ACTIVE)
    failed_attempts = models.PositiveIntegerField(_("错误次数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    message = models.ForeignKey(
        SmsMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("短信"),
    )

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mobile_hash", "created_at"], name="notif_code_mobile_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_hash", "purpose"],
                condition=Q(state="active"),
                name="notif_code_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.get_state_display()}"


class SmsMobileCounter(models.Model):
    """One row per mobile, locked (``SELECT ... FOR UPDATE``) while a code is sent to it, so
    that concurrent requests for one mobile are serialised and the rate limits hold."""

    mobile_hash = models.CharField(_("手机号码索引"), max_length=64, unique=True)
    codes_sent = models.PositiveIntegerField(_("累计发送验证码"), default=0)
    last_code_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("手机号发送计数")
        verbose_name_plural = _("手机号发送计数")

    def __str__(self) -> str:
        return f"{self.mobile_hash[:8]}… {self.codes_sent}"


class InboxMessage(models.Model):
    """消息: the portal copy of an SMS sent to an account's mobile about that account (NTF-1).

    Written by ``sms_send`` in the same transaction as the outbox row (one place for every
    caller); verification codes and one-time links stay on the phone only
    (``services.inbox.INBOX_EXCLUDED``). ``read_at`` is empty until the owner opens it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox_messages",
        verbose_name=_("账号"),
        db_index=False,  # the (user, …) indexes below lead with it (decision 0033)
    )
    sms = models.ForeignKey(
        SmsMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_copies",
        verbose_name=_("短信"),
        db_index=False,  # the unique (sms, user) constraint leads with it
    )
    template_code = models.CharField(_("模板编码"), max_length=64)
    text = EncryptedTextField(_("消息内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_inbox_unread_idx"),
            models.Index(fields=["user", "created_at"], name="notif_inbox_user_time_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sms", "user"], name="notif_inbox_one_per_sms_user"),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
