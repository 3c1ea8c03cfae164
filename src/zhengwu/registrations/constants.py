"""States, transitions and event names of the registration workflows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftStep(models.TextChoices):
    """Where a wizard stands: the step the person is on (seed 001 step indicator)."""

    USER = "user", _("创建用户")
    FACE = "face", _("实名认证")
    DONE = "done", _("注册成功")


#: The wizard's steps as a workflow (``core.workflow.transition`` on ``RegistrationDraft.step``):
#: 创建用户 → 实名认证 → 注册成功. Step 1 writes no row (decision 0017): a draft's row starts at
#: 创建用户 and moves on from there.
DRAFT_TRANSITIONS: dict[str, frozenset[str]] = {
    DraftStep.USER: frozenset({DraftStep.FACE}),
    DraftStep.FACE: frozenset({DraftStep.DONE}),
    DraftStep.DONE: frozenset(),
}


class DraftOutcome(models.TextChoices):
    NONE = "", _("未完成")
    ACTIVE = "active", _("账号已开通")
    PENDING_APPROVAL = "pending_approval", _("等待审核")


class ApplicationStatus(models.TextChoices):
    """经办人申请 states (REG-7)."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已拒绝")


#: The diagram of OperatorApplication as data (docs/workflows/registration.md is generated).
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.PENDING: frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
}

#: The SMS template sent on entering each state, and to whom (docs and tests read this).
APPLICATION_SMS: dict[str, tuple[str, str]] = {
    ApplicationStatus.PENDING: (
        "operator_application.approval_requested",
        "legal representative and administrators",
    ),
    ApplicationStatus.APPROVED: ("operator_application.approved", "applicant"),
    ApplicationStatus.REJECTED: ("operator_application.rejected", "applicant"),
}

FACE_PURPOSE_REGISTRATION = "registration"
FACE_PURPOSE_APPROVAL = "approval"
SMS_CODE_PURPOSE = "registration"

#: An approver was shown operator applicants' full names and ID numbers' last four characters.
EVENT_APPLICATION_VIEWED = "registration.operator_application_viewed"
