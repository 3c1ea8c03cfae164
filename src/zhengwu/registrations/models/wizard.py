"""The registration wizard's server-side state and operator applications (REG-1…REG-8)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.models import Organisation
from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import (
    Viewer,
    id_number_for,
    mask_id_number,
    mask_mobile,
    mask_name,
    name_for,
)

from ..constants import (
    APPLICATION_TRANSITIONS,
    DRAFT_TRANSITIONS,
    ApplicationStatus,
    DraftOutcome,
    DraftStep,
)


class RegistrationDraft(models.Model):
    """A wizard in progress (decision 0017): step 1 writes no row; its verified unit data
    travel to step 2 in a sealed draft token (``wizard.draft_store``). The first step-2
    submission writes the row with the unit and the account data (password already hashed);
    step 3 adds the face-check token started for the operator. Nothing here is an account: an
    abandoned draft expires (``expires_at``) with the lock it holds on the mobile (REG-8).
    The id is a random UUID: knowing it (and, before step 2, the token) is what lets a client
    continue the wizard. ``step`` moves only through ``core.workflow.transition``
    (``DRAFT_TRANSITIONS``).
    """

    STATE_FIELD = "step"
    TRANSITIONS = DRAFT_TRANSITIONS

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    step = models.CharField("步骤", max_length=8, choices=DraftStep.choices)
    outcome = models.CharField(
        "结果", max_length=20, choices=DraftOutcome.choices, blank=True, default=""
    )
    # Step 1 — 信息认证 (REG-1, verified against the registry, REG-3)
    location = models.CharField("单位登记所在地", max_length=20, choices=Location.choices)
    legal_person_type = models.CharField("法人类型", max_length=32, choices=LegalPersonType.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    organisation_name = models.CharField("单位名称", max_length=200)
    legal_rep_name = models.CharField("法定代表人", max_length=100)
    legal_rep_id_type = models.CharField(
        "法定代表人证件类型", max_length=32, choices=IdType.choices
    )
    legal_rep_id_number = EncryptedTextField("法定代表人证件号码")
    legal_rep_id_number_hash = hash_field(verbose_name="法定代表人证件号码索引", db_index=False)
    # Step 2 — 创建用户 (REG-4)
    username = models.CharField("用户名", max_length=150, blank=True)
    password_hash = models.CharField("密码", max_length=256, blank=True)
    operator_name = models.CharField("经办人姓名", max_length=100, blank=True)
    operator_id_type = models.CharField(
        "经办人证件类型", max_length=32, choices=IdType.choices, blank=True
    )
    operator_id_number = EncryptedTextField("经办人证件号码", blank=True)
    operator_id_number_hash = hash_field(verbose_name="经办人证件号码索引", blank=True)
    landline = models.CharField("固定电话", max_length=32, blank=True)
    mobile = EncryptedTextField("手机号", blank=True)
    mobile_hash = hash_field(verbose_name="手机号索引", blank=True, db_index=False)
    # Step 3 — 实名认证 (REG-6): the check started for the operator above
    face_token = models.CharField("人脸识别凭证", max_length=100, blank=True)
    face_qr_payload = models.TextField("人脸识别二维码内容", blank=True)
    face_expires_at = models.DateTimeField("人脸识别过期时间", null=True, blank=True)
    # Outcome
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(
        "OperatorApplication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "注册草稿"
        verbose_name_plural = "注册草稿"

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.get_step_display()})"

    @property
    def claim_holder(self) -> str:
        return f"registrations.draft:{self.pk}"

    @property
    def operator_is_legal_rep(self) -> bool:
        """REG-7: same person = same ID number."""
        return bool(self.operator_id_number_hash) and (
            self.operator_id_number_hash == self.legal_rep_id_number_hash
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class OperatorApplication(models.Model):
    """An employee's request to become an operator of an organisation (REG-7, REG-8).

    Holds the account data until the legal representative or an administrator decides: the
    account exists only once approved. States and moves are ``ApplicationStatus`` and
    ``TRANSITIONS``; every move goes through ``core.workflow.transition``.
    """

    Status = ApplicationStatus
    TRANSITIONS = APPLICATION_TRANSITIONS

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="operator_applications"
    )
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    username = models.CharField("用户名", max_length=150)
    password_hash = models.CharField("密码", max_length=256)
    real_name = models.CharField("经办人姓名", max_length=100)
    id_type = models.CharField("经办人证件类型", max_length=32, choices=IdType.choices)
    id_number = EncryptedTextField("经办人证件号码")
    id_number_hash = hash_field(verbose_name="经办人证件号码索引")
    landline = models.CharField("固定电话", max_length=32, blank=True)
    mobile = EncryptedTextField("手机号")
    mobile_hash = hash_field(verbose_name="手机号索引", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operator_applications",
    )
    approval_face_token = models.CharField("审核人人脸识别凭证", max_length=100, blank=True)
    approval_face_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("拒绝原因", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "经办人申请"
        verbose_name_plural = "经办人申请"
        ordering = ["-created_at"]
        constraints = [
            # REG-8: one pending application per operator (ID number) per organisation.
            models.UniqueConstraint(
                fields=["organisation", "id_number_hash"],
                condition=Q(status="pending"),
                name="registrations_one_pending_per_operator",
            ),
            # A pending application reserves its username until decided.
            models.UniqueConstraint(
                fields=["username"],
                condition=Q(status="pending"),
                name="registrations_pending_username_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="registrations_application_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="registrations_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "id_number_hash", "status"])]

    def __str__(self) -> str:
        return f"{self.real_name} → {self.organisation}"

    @property
    def claim_holder(self) -> str:
        return f"registrations.operatorapplication:{self.pk}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def approver_name(self) -> str:
        """The name as the unit's approvers see it (full; the page is audited)."""
        return name_for(self.real_name, viewer=Viewer.APPROVER)

    @property
    def approver_id_number(self) -> str:
        """The ID number as the unit's approvers see it (last four characters)."""
        return id_number_for(self.id_number or "", viewer=Viewer.APPROVER)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")
