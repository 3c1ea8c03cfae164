"""The agent path (代理人注册, REG-10): an agent registers the unit's legal-person account and
the legal representative signs the authorisation letter (授权委托书) with an e-signature."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.models import Organisation
from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name

from ..agent.constants import AGENT_TRANSITIONS, AgentStatus


class AgentRegistration(models.Model):
    """One agent registration (REG-10), from the agent's form to the reviewer's decision.

    States and moves are ``AgentStatus`` and ``TRANSITIONS``; every move goes through
    ``core.workflow.transition``. While ``draft`` the row lives until ``expires_at`` (the
    agent's face check and the confirmation); from 签名中 on, the agent's account exists,
    inactive until a reviewer approves. The signing link's token is stored encrypted (the
    agent's status page shows the link, REG-10) and found by its SHA-256
    (``sign_token_hash``); a new link replaces both, which kills the old one.
    ``sign_deadline_at`` (48 h after the link was sent) makes 签名超时 true on read even if
    the worker that moves the state is late. The letter and the signed letter are kept in
    the row (a few dozen kB each) and served only to reviewers and the applicant.
    """

    Status = AgentStatus
    TRANSITIONS = AGENT_TRANSITIONS

    #: The handle of the JSON API (random: a client cannot reach somebody else's application).
    public_id = models.UUIDField("外部标识", default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField("受理编号", max_length=20, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=AgentStatus.choices, default=AgentStatus.DRAFT
    )
    location = models.CharField(
        "单位登记所在地", max_length=20, choices=Location.choices, default=Location.IN_PROVINCE
    )
    legal_person_type = models.CharField("法人类型", max_length=32, choices=LegalPersonType.choices)
    organisation_name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    legal_rep_name = models.CharField("法定代表人", max_length=100)
    legal_rep_id_type = models.CharField(
        "法定代表人证件类型", max_length=32, choices=IdType.choices
    )
    legal_rep_id_number = EncryptedTextField("法定代表人证件号码")
    legal_rep_id_number_hash = hash_field(verbose_name="法定代表人证件号码索引")
    legal_rep_mobile = EncryptedTextField("法定代表人手机号")
    legal_rep_mobile_hash = hash_field(verbose_name="法定代表人手机号索引")
    username = models.CharField("用户名", max_length=150)
    password_hash = models.CharField("密码", max_length=256)
    agent_name = models.CharField("代理人姓名", max_length=100)
    agent_id_type = models.CharField("代理人证件类型", max_length=32, choices=IdType.choices)
    agent_id_number = EncryptedTextField("代理人证件号码")
    agent_id_number_hash = hash_field(verbose_name="代理人证件号码索引")
    agent_mobile = EncryptedTextField("代理人手机号")
    agent_mobile_hash = hash_field(verbose_name="代理人手机号索引")
    landline = models.CharField("固定电话", max_length=20, blank=True)
    agent_face_token = models.CharField("代理人人脸识别凭证", max_length=100, blank=True)
    agent_face_qr_payload = models.TextField("代理人人脸识别二维码内容", blank=True)
    agent_face_passed_at = models.DateTimeField("代理人人脸识别通过时间", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_registration",
        verbose_name="代理人账号",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent_registrations",
        verbose_name="单位",
    )
    letter_pdf = models.BinaryField("授权委托书", blank=True, default=b"")
    letter_sha256 = models.CharField("授权委托书摘要", max_length=64, blank=True)
    sign_token = EncryptedTextField("签名链接凭证", blank=True, default="")
    sign_token_hash = models.CharField("签名链接凭证摘要", max_length=64, blank=True, db_index=True)
    sign_sent_at = models.DateTimeField("签名短信发送时间", null=True, blank=True)
    sign_deadline_at = models.DateTimeField("签名期限", null=True, blank=True, db_index=True)
    sign_face_token = models.CharField("法定代表人人脸识别凭证", max_length=100, blank=True)
    sign_face_qr_payload = models.TextField("法定代表人人脸识别二维码内容", blank=True)
    signed_pdf = models.BinaryField("已签署的授权委托书", blank=True, default=b"")
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signer_subject = models.CharField("签名证书主题", max_length=300, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    deadline_at = models.DateTimeField("审核期限", null=True, blank=True, db_index=True)
    submission_count = models.PositiveSmallIntegerField("提交次数", default=0)
    reason_code = models.CharField("不通过原因类型", max_length=32, blank=True)
    reason = models.TextField("不通过原因", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    expires_at = models.DateTimeField("草稿过期时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "代理人注册申请"
        verbose_name_plural = "代理人注册申请"
        ordering = ["deadline_at", "pk"]
        indexes = [models.Index(fields=["status", "deadline_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AgentStatus.values),
                name="registrations_agent_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="registrations_agent_rejection_has_reason",
            ),
            # REG-10: e-signature only for a legal representative with a resident ID card.
            models.CheckConstraint(
                condition=Q(legal_rep_id_type=IdType.RESIDENT_ID),
                name="registrations_agent_legal_rep_resident_id",
            ),
            models.CheckConstraint(
                condition=~Q(status="signing") | Q(sign_deadline_at__isnull=False),
                name="registrations_agent_signing_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | ~Q(signed_pdf=b""),
                name="registrations_agent_pending_is_signed",
            ),
            # One open agent registration per unit and agent (by ID number).
            models.UniqueConstraint(
                fields=["uscc", "agent_id_number_hash"],
                condition=Q(status__in=["signing", "timed_out", "refused", "pending", "rejected"]),
                name="registrations_agent_one_open_per_unit_agent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name}"

    @property
    def claim_holder(self) -> str:
        return f"registrations.agentregistration:{self.pk}"

    @property
    def is_signing_overdue(self) -> bool:
        """签名中 past the 48-hour deadline: 签名超时 even before the worker moved it."""
        return (
            self.status == AgentStatus.SIGNING
            and self.sign_deadline_at is not None
            and self.sign_deadline_at <= timezone.now()
        )

    @property
    def effective_status(self) -> str:
        """The state as the applicant must see it (签名超时 computed on read)."""
        return AgentStatus.TIMED_OUT if self.is_signing_overdue else self.status

    @property
    def effective_status_label(self) -> str:
        return str(AgentStatus(self.effective_status).label)

    @property
    def is_overdue(self) -> bool:
        """Waiting for a reviewer after its working-day deadline."""
        return (
            self.status == AgentStatus.PENDING
            and self.deadline_at is not None
            and self.deadline_at < timezone.now()
        )

    @property
    def is_draft_expired(self) -> bool:
        return (
            self.status == AgentStatus.DRAFT
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def masked_legal_rep_name(self) -> str:
        return mask_name(self.legal_rep_name)

    @property
    def masked_legal_rep_id_number(self) -> str:
        return mask_id_number(self.legal_rep_id_number or "")

    @property
    def masked_legal_rep_mobile(self) -> str:
        return mask_mobile(self.legal_rep_mobile or "")

    @property
    def masked_agent_name(self) -> str:
        return mask_name(self.agent_name)

    @property
    def masked_agent_id_number(self) -> str:
        return mask_id_number(self.agent_id_number or "")

    @property
    def masked_agent_mobile(self) -> str:
        return mask_mobile(self.agent_mobile or "")
