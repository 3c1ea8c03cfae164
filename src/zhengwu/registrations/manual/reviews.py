"""The manual channel's review decisions and its back-office queue (REG-9, journey 6).

``manual_verification_approve`` / ``manual_verification_reject`` check that the actor is a
reviewer, move the case through ``core.workflow.transition`` (row lock, refusal of a second
decision naming the current state, history row, audit event) and queue the SMS, which leaves
after commit (NTF-1). ``register`` plugs the 人工认证（法人） queue into ``zhengwu.reviews``
(called from ``RegistrationsConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.audit.services import record_event
from zhengwu.campaigns import services as campaigns
from zhengwu.core.workflow import transition
from zhengwu.notifications.services import sms_send
from zhengwu.reviews.permissions import reviewer_required
from zhengwu.reviews.queues import UNIT_CASE_FIELDS, Queue, QueueItem, register_queue

from ..common.reasons import rejection_reason
from ..models import ManualVerification
from .constants import MANUAL_UPLOAD_KINDS, REASON_REUPLOAD, ManualStatus, RejectionReason


def manual_verification_approve(*, case: ManualVerification, actor: User) -> ManualVerification:
    """通过: link the unit (an existing organisation with the USCC, or a new one), make the
    applicant a member, bind the mobile within it (REG-8) and send ``manual_review.approved``.

    The first member of a new organisation becomes its administrator (it approves later
    operators, REG-7); joining an organisation that already has members makes an operator.
    A second decision is refused by the transition helper.
    """
    reviewer_required(actor)
    with transaction.atomic():
        locked = ManualVerification.objects.select_for_update().get(pk=case.pk)
        uscc = (
            locked.unit_code
            if len(locked.unit_code) == 18 and locked.status == ManualStatus.PENDING
            else ""
        )
        case = transition(
            locked,
            ManualStatus.APPROVED,
            actor=actor,
            changes={"decided_by": actor, "decided_at": timezone.now()},
        )
        organisation = _organisation_for(case, uscc=uscc, actor=actor)
        campaigns.assist_complete(organisation)  # 帮办 at the counter (SVC-4), same transaction
        has_members = Membership.objects.filter(organisation=organisation, is_active=True).exists()
        user = case.user
        user.real_name = case.operator_name
        user.id_type = case.operator_id_type
        user.id_number = case.operator_id_number
        user.id_number_hash = case.operator_id_number_hash
        user.save(update_fields=["real_name", "id_type", "id_number", "id_number_hash"])
        accounts.membership_create(
            organisation=organisation,
            user=user,
            role=Role.OPERATOR if has_members else Role.ADMINISTRATOR,
            actor=actor,
        )
        accounts.mobile_claim_acquire(
            organisation_key=organisation.claim_key,
            mobile=case.mobile,
            holder=f"accounts.user:{user.pk}",
            expires_at=None,
            user=user,
            actor=actor,
        )
        ManualVerification.objects.filter(pk=case.pk).update(organisation=organisation)
        case.organisation = organisation
        sms_send(
            mobile=case.mobile,
            template="manual_review.approved",
            params={"reference": case.reference},
            actor=actor,
            subject=case,
        )
    return case


def _organisation_for(case: ManualVerification, *, uscc: str, actor: Any) -> Organisation:
    if uscc:
        return accounts.organisation_get_or_create(
            uscc=uscc,
            name=case.organisation_name,
            legal_person_type=case.legal_person_type,
            location=case.location,
            legal_rep_name="",
            legal_rep_id_type="",
            legal_rep_id_number="",
            actor=actor,
        )
    # No USCC (organisation code only, units being set up, projects): a unit of its own,
    # identified by its primary key (Organisation.uscc is unique where present).
    organisation = Organisation.objects.create(
        uscc=None,
        name=case.organisation_name,
        legal_person_type=case.legal_person_type,
        location=case.location,
        legal_rep_name="",
        legal_rep_id_type="",
        legal_rep_id_number="",
        legal_rep_id_number_hash="",
    )
    record_event(
        "organisation.created",
        actor=actor,
        subject=organisation,
        after={"manual_verification": case.reference},
    )
    return organisation


def manual_verification_reject(
    *,
    case: ManualVerification,
    actor: User,
    reason_code: str,
    reason_text: str = "",
    reupload_kinds: list[str] | None = None,
) -> ManualVerification:
    """不通过 with a reason template plus free text (``其他`` needs the text); the material to
    upload again defaults to what the template names. Sends ``manual_review.rejected``."""
    reviewer_required(actor)
    reason = rejection_reason(reason_code, reason_text, reasons=RejectionReason)
    kinds = (
        [k for k in reupload_kinds if k in MANUAL_UPLOAD_KINDS]
        if reupload_kinds
        else list(REASON_REUPLOAD[reason_code])
    )
    with transaction.atomic():
        case = transition(
            case,
            ManualStatus.REJECTED,
            actor=actor,
            reason=reason,
            changes={
                "reason": reason,
                "reason_code": reason_code,
                "reupload_kinds": kinds,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        sms_send(
            mobile=case.mobile,
            template="manual_review.rejected",
            params={"reference": case.reference, "reason": reason},
            actor=actor,
            subject=case,
        )
    return case


def _manual_items(status: str) -> list[QueueItem]:
    """Manual verifications, earliest deadline first: one query whatever the length."""
    now = timezone.now()
    cases = ManualVerification.objects.only(*UNIT_CASE_FIELDS, "applicant_kind").order_by(
        "deadline_at", "pk"
    )
    if status:
        cases = cases.filter(status=status)
    return [
        QueueItem(
            pk=case.pk,
            reference=case.reference,
            title=case.organisation_name,
            kind_label=case.get_applicant_kind_display(),
            status=case.status,
            status_label=case.get_status_display(),
            submitted_at=case.submitted_at,
            deadline_at=case.deadline_at,
            is_overdue=case.status == ManualStatus.PENDING and case.deadline_at < now,
            url=reverse("reviews:manual_case", args=[case.pk]),
        )
        for case in cases
    ]


def register() -> None:
    register_queue(
        Queue(
            key="manual",
            label=_("人工认证（法人）"),
            statuses=ManualStatus.choices,
            default_status=ManualStatus.PENDING,
            items=_manual_items,
        )
    )
