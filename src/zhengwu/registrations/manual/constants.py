"""States, transitions, choices and SMS of the manual channel (人工认证渠道, REG-9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.uploads.models import UploadKind


class ManualStatus(models.TextChoices):
    """States of a ``ManualVerification`` (REG-9: 待审核 → 通过 / 不通过 → 重新提交 → 待审核)."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", pgettext_lazy("application status", "通过")
    REJECTED = "rejected", pgettext_lazy("application status", "不通过")


#: The diagram of ManualVerification as data (docs/workflows/manual-review.md is generated).
#: rejected → pending is the applicant's 重新提交.
MANUAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ManualStatus.PENDING: frozenset({ManualStatus.APPROVED, ManualStatus.REJECTED}),
    ManualStatus.REJECTED: frozenset({ManualStatus.PENDING}),
    ManualStatus.APPROVED: frozenset(),
}

#: The SMS template sent on entering each state, and to whom (NTF-1; docs and tests read this).
MANUAL_SMS: dict[str, tuple[str, str]] = {
    ManualStatus.PENDING: ("manual_review.received", "applicant"),
    ManualStatus.APPROVED: ("manual_review.approved", "applicant"),
    ManualStatus.REJECTED: ("manual_review.rejected", "applicant"),
}


class ManualApplicantKind(models.TextChoices):
    """Who may use the manual channel (REG-9, seed 000 FAQ, seed 001 一.3-4)."""

    OUT_OF_PROVINCE = "out_of_province", _("省外单位（自动认证未通过）")
    OUTSIDE_MAINLAND = "outside_mainland", _("法定代表人为港澳台或境外人员")
    BEING_SET_UP = "being_set_up", _("筹建中单位（仅有名称预核准通知书）")
    VILLAGE_COMMITTEE = "village_committee", _("村（居）民委员会")
    TEMPORARY_PROJECT = "temporary_project", _("无任何证照的临时项目工程")


class ManualReviewRule(models.TextChoices):
    """``ZHENGWU_MANUAL_REVIEW_RULE`` (REG-9, CAL-1): how the review deadline is counted."""

    WORKING_DAY_1 = "working_day_1", _("1个工作日（浙江）")
    WORKING_HOURS_48 = "working_hours_48", _("48个工作小时（黑龙江）")


class RejectionReason(models.TextChoices):
    """Reason templates a reviewer picks when rejecting (issue 3, journey 6)."""

    LICENCE_UNCLEAR = "licence_unclear", _("证照照片不清晰")
    ID_MISMATCH = "id_mismatch", _("证件照片与填写信息不一致")
    NO_STAMP = "no_stamp", _("未加盖公章")
    OTHER = "other", _("其他")


#: The material a rejection reason asks to upload again; the other uploads are kept on
#: resubmission (REG-9: "resubmission keeps what was right").
REASON_REUPLOAD: dict[str, tuple[str, ...]] = {
    RejectionReason.LICENCE_UNCLEAR: (UploadKind.LICENCE_PAGE,),
    RejectionReason.ID_MISMATCH: (UploadKind.ID_DOCUMENT,),
    RejectionReason.NO_STAMP: (UploadKind.STAMPED_PROOF,),
    RejectionReason.OTHER: (),
}

#: The uploads of the channel, in the order of the form.
MANUAL_UPLOAD_KINDS: tuple[str, ...] = (
    UploadKind.LICENCE_PAGE,
    UploadKind.ID_DOCUMENT,
    UploadKind.STAMPED_PROOF,
)

SUBJECT_TYPE = "registrations.manualverification"
