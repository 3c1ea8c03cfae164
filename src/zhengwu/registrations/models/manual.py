"""The manual channel (人工认证渠道, REG-9): one ``ManualVerification`` case per application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.models import Organisation
from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name

from ..manual.constants import MANUAL_TRANSITIONS, ManualApplicantKind, ManualStatus


class ManualVerification(models.Model):
    """A unit's application through the manual channel, compared by a reviewer (REG-9).

    The applicant's account (``user``) exists from submission so that they can sign in and
    see the result; it becomes a member of ``organisation`` only when a reviewer approves.
    States and moves are ``ManualStatus`` and ``TRANSITIONS``; every move goes through
    ``core.workflow.transition``. ``deadline_at`` is computed at each (re)submission on the
    working-day calendar (CAL-1) per ``ZHENGWU_MANUAL_REVIEW_RULE``. The uploads are
    ``PrivateUpload`` rows attached to this case (``subject_type`` = this model's label).
    """

    Status = ManualStatus
    TRANSITIONS = MANUAL_TRANSITIONS

    reference = models.CharField("受理编号", max_length=20, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=ManualStatus.choices, default=ManualStatus.PENDING
    )
    applicant_kind = models.CharField(
        "申请类型", max_length=32, choices=ManualApplicantKind.choices
    )
    location = models.CharField("单位登记所在地", max_length=20, choices=Location.choices)
    legal_person_type = models.CharField("法人类型", max_length=32, choices=LegalPersonType.choices)
    organisation_name = models.CharField("单位名称", max_length=200)
    organisation_name_en = models.CharField("单位英文名称", max_length=200, blank=True)
    has_code_certificate = models.BooleanField("能否提供带有统一社会信用代码的证照")
    unit_code = models.CharField("单位代码", max_length=18, blank=True)
    project_code = models.CharField("工程编码", max_length=18, blank=True)
    operator_name = models.CharField("经办人姓名", max_length=100)
    operator_id_type = models.CharField("经办人证件类型", max_length=32, choices=IdType.choices)
    operator_id_number = EncryptedTextField("经办人证件号码")
    operator_id_number_hash = hash_field(verbose_name="经办人证件号码索引")
    operator_ethnicity = models.CharField("经办人民族", max_length=20, blank=True)
    mobile = EncryptedTextField("经办人手机号")
    mobile_hash = hash_field(verbose_name="经办人手机号索引")
    email = models.EmailField("经办人电子邮箱", max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="manual_verifications",
        verbose_name="申请账号",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="manual_verifications",
        verbose_name="单位",
    )
    reason_code = models.CharField("不通过原因类型", max_length=32, blank=True)
    reason = models.TextField("不通过原因", blank=True)
    reupload_kinds = models.JSONField("需重新上传的材料", default=list, blank=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    deadline_at = models.DateTimeField("审核期限", db_index=True)
    submission_count = models.PositiveSmallIntegerField("提交次数", default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "人工认证申请"
        verbose_name_plural = "人工认证申请"
        ordering = ["deadline_at", "pk"]
        indexes = [models.Index(fields=["status", "deadline_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ManualStatus.values),
                name="registrations_manual_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="registrations_manual_rejection_has_reason",
            ),
            # REG-9: one open case per applicant account.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "rejected"]),
                name="registrations_manual_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name}"

    @property
    def is_overdue(self) -> bool:
        """Still waiting for a reviewer after its deadline."""
        return self.status == ManualStatus.PENDING and self.deadline_at < timezone.now()

    @property
    def masked_operator_name(self) -> str:
        return mask_name(self.operator_name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.operator_id_number or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")
