"""The agent channel's review decisions and its back-office queue (REG-10, 代理注册).

``agent_registration_approve`` / ``agent_registration_reject`` check that the actor is a
reviewer and move the case through ``core.workflow.transition``; SMS leave after commit.
``register`` plugs the 代理注册 queue into ``zhengwu.reviews`` (called from
``RegistrationsConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import Role
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.models import Membership, User
from zhengwu.audit.services import record_event
from zhengwu.campaigns import services as campaigns
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.workflow import transition
from zhengwu.notifications.services import sms_send
from zhengwu.reviews.permissions import reviewer_required
from zhengwu.reviews.queues import UNIT_CASE_FIELDS, Queue, QueueItem, register_queue

from ..common.reasons import rejection_reason
from ..models import AgentRegistration
from .constants import AgentRejectionReason, AgentStatus
from .services import MOBILE_TAKEN
from .signing import _user_or_none

#: The states a reviewer filters the 代理注册 queue by (the agent's own steps before the
#: signature are not the back office's business).
AGENT_QUEUE_STATUSES = [
    (status.value, status.label)
    for status in (AgentStatus.PENDING, AgentStatus.APPROVED, AgentStatus.REJECTED)
]


def agent_registration_approve(*, application: AgentRegistration, actor: Any) -> AgentRegistration:
    """通过 (待审核 → 通过): the agent's account becomes active and joins the unit like the
    wizard's (the organisation created from the verified data if new); the first member of a
    unit becomes its administrator (the legal representative authorised account management,
    decision 0009), a later one an operator; the mobile is bound to the account (REG-8); SMS
    ``registration.succeeded``. Reviewers only; a second decision is refused by the transition
    helper."""
    reviewer_required(actor)
    with transaction.atomic():
        locked = AgentRegistration.objects.select_for_update().get(pk=application.pk)
        application = transition(
            locked,
            AgentStatus.APPROVED,
            actor=actor,
            changes={"decided_by": _user_or_none(actor), "decided_at": timezone.now()},
        )
        organisation = accounts.organisation_get_or_create(
            uscc=application.uscc,
            name=application.organisation_name,
            legal_person_type=application.legal_person_type,
            location=application.location,
            legal_rep_name=application.legal_rep_name,
            legal_rep_id_type=application.legal_rep_id_type,
            legal_rep_id_number=application.legal_rep_id_number,
            actor=actor,
        )
        campaigns.assist_complete(organisation)  # 帮办 at the counter (SVC-4), same transaction
        user = application.user
        assert user is not None  # created on submission
        has_members = Membership.objects.filter(organisation=organisation, is_active=True).exists()
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        record_event("user.activated", actor=actor, subject=user, after={"active": True})
        accounts.membership_create(
            organisation=organisation,
            user=user,
            role=Role.OPERATOR if has_members else Role.ADMINISTRATOR,
            actor=actor,
        )
        try:
            accounts.mobile_claim_transfer(
                organisation_key=organisation.claim_key,
                mobile=application.agent_mobile,
                from_holder=application.claim_holder,
                to_holder=f"accounts.user:{user.pk}",
                user=user,
            )
        except MobileTaken:
            raise ValidationFailed(MOBILE_TAKEN, code="mobile.taken", field="mobile") from None
        AgentRegistration.objects.filter(pk=application.pk).update(organisation=organisation)
        application.organisation = organisation
        sms_send(
            mobile=application.agent_mobile,
            template="registration.succeeded",
            params={"organisation": organisation.name, "username": user.username},
            actor=actor,
            subject=application,
        )
    return application


def agent_registration_reject(
    *, application: AgentRegistration, actor: Any, reason_code: str, reason_text: str = ""
) -> AgentRegistration:
    """不通过 with a reason template plus free text (``其他`` needs the text); frees the mobile
    (REG-8) until the agent resubmits; SMS ``registration.rejected`` with the reason.
    Reviewers only."""
    reviewer_required(actor)
    reason = rejection_reason(reason_code, reason_text, reasons=AgentRejectionReason)
    with transaction.atomic():
        application = transition(
            application,
            AgentStatus.REJECTED,
            actor=actor,
            reason=reason,
            changes={
                "reason": reason,
                "reason_code": reason_code,
                "decided_by": _user_or_none(actor),
                "decided_at": timezone.now(),
            },
        )
        accounts.mobile_claim_release(holder=application.claim_holder)
        sms_send(
            mobile=application.agent_mobile,
            template="registration.rejected",
            params={"organisation": application.organisation_name, "reason": reason},
            actor=actor,
            subject=application,
        )
    return application


def _agent_items(status: str) -> list[QueueItem]:
    """代理注册 (REG-10): signed registrations, earliest working-day deadline first; one query."""
    now = timezone.now()
    cases = (
        AgentRegistration.objects.only(*UNIT_CASE_FIELDS, "legal_person_type", "created_at")
        .filter(status__in=[value for value, _label in AGENT_QUEUE_STATUSES])
        .order_by("deadline_at", "pk")
    )
    if status:
        cases = cases.filter(status=status)
    return [
        QueueItem(
            pk=case.pk,
            reference=case.reference,
            title=case.organisation_name,
            kind_label=case.get_legal_person_type_display(),
            status=case.status,
            status_label=case.get_status_display(),
            submitted_at=case.submitted_at or case.created_at,
            deadline_at=case.deadline_at or now,
            is_overdue=case.status == AgentStatus.PENDING
            and case.deadline_at is not None
            and case.deadline_at < now,
            url=reverse("reviews:agent_case", args=[case.pk]),
        )
        for case in cases
    ]


def register() -> None:
    register_queue(
        Queue(
            key="agent",
            label=_("代理注册"),
            statuses=AGENT_QUEUE_STATUSES,
            default_status=AgentStatus.PENDING,
            items=_agent_items,
            kind_header=_("法人类型"),
        )
    )
