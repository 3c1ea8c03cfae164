"""The wizard's review decisions: 经办人申请 (REG-7).

An operator who is not the legal representative registers into a pending
``OperatorApplication``; the legal representative or an administrator of the organisation
approves it after their own face check, or rejects it with a reason. There is no back-office
queue: approvers decide on the applications page (``wizard.views``) and in orgcentre.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import User
from zhengwu.accounts.selectors import organisations_approvable_by
from zhengwu.audit.services import record_event
from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.workflow import transition
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
)
from zhengwu.notifications.services import sms_send

from ..common.face import identity_provider
from ..common.usernames import username_taken_error
from ..constants import EVENT_APPLICATION_VIEWED, FACE_PURPOSE_APPROVAL, ApplicationStatus
from ..models import OperatorApplication


def _check_approver(*, application: OperatorApplication, actor: Any) -> None:
    if not organisations_approvable_by(user=actor).filter(pk=application.organisation_id).exists():
        raise PermissionDenied("只有本单位的法定代表人或管理员可以审核经办人申请")


def operator_application_approval_face_start(
    *, application: OperatorApplication, actor: User
) -> FaceCheckSession:
    """Start the approver's own face check (REG-7: approve requires it), bound to the approver."""
    _check_approver(application=application, actor=actor)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationFailed(
            f"该申请当前状态为“{application.get_status_display()}”", code="illegal_transition"
        )
    if not actor.id_number:
        raise PermissionDenied("您的账号未登记证件号码，无法进行人脸核验")
    session = identity_provider().start_check(
        FaceCheckRequest(
            name=actor.real_name,
            id_type=actor.id_type,
            id_number=actor.id_number,
            purpose=FACE_PURPOSE_APPROVAL,
            subject=f"registrations.operatorapplication:{application.pk}",
        )
    )
    OperatorApplication.objects.filter(pk=application.pk).update(
        approval_face_token=session.token, approval_face_user=actor
    )
    application.approval_face_token, application.approval_face_user = session.token, actor
    return session


def operator_application_approve(
    *, application: OperatorApplication, actor: User
) -> OperatorApplication:
    """Approve (REG-7): the approver's own face check must have passed. Creates the account
    and the operator membership; the applicant gets ``operator_application.approved``."""
    _check_approver(application=application, actor=actor)
    application.refresh_from_db()
    token = application.approval_face_token
    if not token or application.approval_face_user_id != actor.pk:
        raise ValidationFailed("同意前需要本人人脸核验", code="approval.face_required")
    result = identity_provider().get_result(token)
    if not result.is_passed:
        raise ValidationFailed("本人人脸核验未通过，不能同意", code="approval.face_failed")
    with transaction.atomic():
        locked = OperatorApplication.objects.select_for_update().get(pk=application.pk)
        if locked.approval_face_token != token:
            raise ValidationFailed("人脸核验已失效，请重新核验", code="approval.face_stale")
        if (
            locked.status == ApplicationStatus.PENDING
            and User.objects.filter(username__iexact=locked.username).exists()
        ):
            raise username_taken_error()
        organisation = locked.organisation
        user = None
        if locked.status == ApplicationStatus.PENDING:
            user = accounts.legal_person_user_create(
                username=locked.username,
                password_hash=locked.password_hash,
                real_name=locked.real_name,
                id_type=locked.id_type,
                id_number=locked.id_number,
                mobile=locked.mobile,
                actor=actor,
            )
        application = transition(
            locked,
            ApplicationStatus.APPROVED,
            actor=actor,
            changes={
                "user": user,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "approval_face_token": "",
            },
        )
        assert user is not None  # transition() refused anything but pending → approved
        accounts.membership_create(
            organisation=organisation, user=user, role=Role.OPERATOR, actor=actor
        )
        accounts.mobile_claim_transfer(
            organisation_key=organisation.claim_key,
            mobile=locked.mobile,
            from_holder=locked.claim_holder,
            to_holder=f"accounts.user:{user.pk}",
            user=user,
        )
        sms_send(
            mobile=locked.mobile,
            template="operator_application.approved",
            params={"organisation": organisation.name, "username": user.username},
            actor=actor,
            subject=application,
        )
    return application


def operator_application_approval_face_poll(
    *, application: OperatorApplication, actor: User
) -> FaceCheckResult:
    """The approver's face-check result; when passed, approves."""
    _check_approver(application=application, actor=actor)
    application.refresh_from_db()
    if application.status == ApplicationStatus.APPROVED:
        return FaceCheckResult(status=FaceCheckStatus.PASSED)
    if not application.approval_face_token or application.approval_face_user_id != actor.pk:
        raise ValidationFailed("同意前需要本人人脸核验", code="approval.face_required")
    result = identity_provider().get_result(application.approval_face_token)
    if result.is_passed:
        operator_application_approve(application=application, actor=actor)
    return result


def operator_application_reject(
    *, application: OperatorApplication, actor: User, reason: str
) -> OperatorApplication:
    """Reject with a reason (REG-7); frees the mobile (REG-8) and counts towards the daily
    limit; the applicant gets ``operator_application.rejected``."""
    _check_approver(application=application, actor=actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("请填写拒绝原因", code="reason.empty", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("拒绝原因不能超过200个字", code="reason.too_long", field="reason")
    with transaction.atomic():
        application = transition(
            application,
            ApplicationStatus.REJECTED,
            actor=actor,
            reason=reason,
            changes={"reason": reason, "decided_by": actor, "decided_at": timezone.now()},
        )
        accounts.mobile_claim_release(holder=application.claim_holder)
        sms_send(
            mobile=application.mobile,
            template="operator_application.rejected",
            params={"organisation": application.organisation.name, "reason": reason},
            actor=actor,
            subject=application,
        )
    return application


def operator_applications_shown(
    *, actor: Any, applications: Any, request: Any = None
) -> list[OperatorApplication]:
    """Audit that ``actor`` (an approver) is shown these applicants' full names and the last
    four characters of their ID numbers (the masking rule of ``zhengwu.core.masking``)."""
    shown = list(applications)
    for application in shown:
        record_event(
            EVENT_APPLICATION_VIEWED,
            actor=actor,
            subject=application,
            organisation=application.organisation,
            request=request,
            after={"shown": ["real_name", "id_number_last_four"]},
        )
    return shown
