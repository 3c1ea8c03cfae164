"""Reads of the back office, for reviewers only."""

from __future__ import annotations

from typing import Any

from zhengwu.core.errors import NotFound
from zhengwu.registrations.agent.constants import SUBJECT_TYPE as AGENT_SUBJECT_TYPE
from zhengwu.registrations.manual.constants import SUBJECT_TYPE as MANUAL_SUBJECT_TYPE
from zhengwu.registrations.models import AgentRegistration, ManualVerification, NaturalPersonReview

from .permissions import is_reviewer

#: Uploads attached to these cases are shown to reviewers (``uploads.access`` viewer check).
REVIEWED_SUBJECT_TYPES = frozenset({MANUAL_SUBJECT_TYPE, AGENT_SUBJECT_TYPE})
#: Agent registrations a reviewer may open (after the legal representative's signature).
AGENT_REVIEWED_STATES = ("pending", "approved", "rejected")


def reviewer_can_view_upload(user: Any, upload: Any) -> bool:
    """Viewer check: reviewers see the uploads of the cases they review (REG-9), and the
    上传证件 of an agent registration (REG-10) once it reaches them (signed: 待审核 or
    decided), as its case page does; not the agent's steps before the signature."""
    if upload.subject_type not in REVIEWED_SUBJECT_TYPES or not is_reviewer(user):
        return False
    if upload.subject_type == AGENT_SUBJECT_TYPE:
        return AgentRegistration.objects.filter(
            pk=upload.subject_id, status__in=AGENT_REVIEWED_STATES
        ).exists()
    return True


def manual_case_get_for_reviewer(*, user: Any, pk: int) -> ManualVerification:
    """The manual verification ``pk`` for a reviewer; ``NotFound`` for anybody else."""
    if not is_reviewer(user):
        raise NotFound()
    try:
        return ManualVerification.objects.select_related("user", "decided_by").get(pk=pk)
    except ManualVerification.DoesNotExist:
        raise NotFound() from None


def natural_review_get_for_reviewer(*, user: Any, pk: int) -> NaturalPersonReview:
    """The natural-person manual review ``pk`` (REG-11) for a reviewer; ``NotFound`` for
    anybody else."""
    if not is_reviewer(user):
        raise NotFound()
    try:
        return NaturalPersonReview.objects.select_related("draft", "decided_by").get(pk=pk)
    except NaturalPersonReview.DoesNotExist:
        raise NotFound() from None


def agent_registration_get_for_reviewer(*, user: Any, pk: int) -> AgentRegistration:
    """The signed agent registration ``pk`` (REG-10) for a reviewer; ``NotFound`` for anybody
    else and for the agent's steps before the signature."""
    if not is_reviewer(user):
        raise NotFound()
    try:
        return AgentRegistration.objects.select_related("decided_by").get(
            pk=pk, status__in=AGENT_REVIEWED_STATES
        )
    except AgentRegistration.DoesNotExist:
        raise NotFound() from None
