"""Natural-person registration (个人注册, REG-11): the wizard's server-side state and the
manual review (人工审核) offered when the face check fails.

``NaturalPersonDraft`` holds the verified form data (password already hashed) until the face
check passes (→ an active ``natural_person`` account) or fails and the person asks for a
manual review (→ ``NaturalPersonReview``). Nothing here is an account. The mobile is held by a
``MobileClaim`` under the key ``NATURAL_PERSON_CLAIM_KEY`` (one account per mobile among
natural persons, enforced by the claim table's unique constraint): the draft's claim expires
with the draft, a pending review's claim lasts until decided, the account's forever.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name

#: ``MobileClaim.organisation_key`` of natural persons (REG-11: one account per mobile).
NATURAL_PERSON_CLAIM_KEY = "natural_person"


class NaturalIdType(models.TextChoices):
    """The six 证件类型 of 个人注册 (REG-11, seed 003 一.1)."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    SOCIAL_SECURITY_CARD = "social_security_card", _("社会保障卡")
    PASSPORT = "passport", _("中国护照")
    HKMO_PERMIT = "hkmo_permit", _("港澳居民来往内地通行证")
    TW_PERMIT = "tw_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class NaturalDraftOutcome(models.TextChoices):
    NONE = "", _("未完成")
    ACTIVE = "active", _("账号已开通")
    REVIEW = "review", _("人工审核")


class NaturalReviewStatus(models.TextChoices):
    """人工审核 states (REG-11)."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("已退回")


#: The diagram of NaturalPersonReview as data (docs/workflows/registration.md is generated).
NATURAL_REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    NaturalReviewStatus.PENDING: frozenset(
        {NaturalReviewStatus.APPROVED, NaturalReviewStatus.RETURNED}
    ),
    NaturalReviewStatus.APPROVED: frozenset(),
    NaturalReviewStatus.RETURNED: frozenset({NaturalReviewStatus.PENDING}),
}

#: The SMS template sent on entering each state, and to whom (docs and tests read this).
NATURAL_REVIEW_SMS: dict[str, tuple[str, str]] = {
    NaturalReviewStatus.PENDING: ("manual_review.received", "applicant"),
    NaturalReviewStatus.APPROVED: ("manual_review.approved", "applicant"),
    NaturalReviewStatus.RETURNED: ("manual_review.rejected", "applicant"),
}


class NaturalPersonDraft(models.Model):
    """A 个人注册 in progress, kept on the server; the page and the API hold only its id.

    ``step`` is ``face`` (waiting for the face check) or ``done``; ``outcome`` says whether
    the account was opened or a manual review requested. An abandoned draft expires
    (``expires_at``) together with its claim on the mobile.
    """

    class Step(models.TextChoices):
        FACE = "face", _("实名认证")
        DONE = "done", _("注册完成")

    #: ``step`` moves only through ``core.workflow.transition``.
    STATE_FIELD = "step"
    TRANSITIONS = {Step.FACE: frozenset({Step.DONE}), Step.DONE: frozenset()}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    step = models.CharField("步骤", max_length=8, choices=Step.choices, default=Step.FACE)
    outcome = models.CharField(
        "结果", max_length=16, choices=NaturalDraftOutcome.choices, blank=True, default=""
    )
    id_type = models.CharField("证件类型", max_length=32, choices=NaturalIdType.choices)
    real_name = models.CharField("姓名", max_length=100)
    id_number = EncryptedTextField("证件号码")
    id_number_hash = hash_field(verbose_name="证件号码索引")
    valid_from = models.DateField("证件有效期起")
    valid_until = models.DateField("证件有效期止", null=True, blank=True)  # None: 长期
    region_code = models.CharField("居住地区划代码", max_length=6)
    region_name = models.CharField("居住地", max_length=100)
    mobile = EncryptedTextField("手机号")
    mobile_hash = hash_field(verbose_name="手机号索引", db_index=False)
    password_hash = models.CharField("密码", max_length=256)
    face_token = models.CharField("人脸识别凭证", max_length=100, blank=True)
    face_qr_payload = models.TextField("人脸识别二维码内容", blank=True)
    face_failure_reason = models.CharField("人脸识别未通过原因", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "个人注册草稿"
        verbose_name_plural = "个人注册草稿"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="registrations_natural_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.real_name)} ({self.get_step_display()})"

    @property
    def claim_holder(self) -> str:
        return f"registrations.naturalpersondraft:{self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_long_term(self) -> bool:
        return self.valid_until is None

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")


class NaturalPersonReview(models.Model):
    """人工审核 of a natural person whose face check failed (REG-11).

    States and moves are ``NaturalReviewStatus`` and ``TRANSITIONS``; every move goes through
    ``core.workflow.transition``. The deadline is 48 working hours (CAL-1) from each
    submission. The account exists only once approved.
    """

    Status = NaturalReviewStatus
    TRANSITIONS = NATURAL_REVIEW_TRANSITIONS

    draft = models.OneToOneField(
        NaturalPersonDraft, on_delete=models.PROTECT, related_name="review", verbose_name="注册信息"
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=NaturalReviewStatus.choices,
        default=NaturalReviewStatus.PENDING,
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    deadline = models.DateTimeField("审核期限", db_index=True)
    reason = models.TextField("退回原因", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="natural_person_reviews",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "个人注册人工审核"
        verbose_name_plural = "个人注册人工审核"
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NaturalReviewStatus.values),
                name="registrations_natural_review_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(reason=""),
                name="registrations_natural_review_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """受理编号 quoted in the SMS and on the result page."""
        return f"GR{self.created_at:%Y%m%d}{self.pk:06d}"

    @property
    def claim_holder(self) -> str:
        return f"registrations.naturalpersonreview:{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == NaturalReviewStatus.PENDING and self.deadline <= timezone.now()
