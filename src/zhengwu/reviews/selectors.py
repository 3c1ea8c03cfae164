"""Reads of the back office, for reviewers only."""

from __future__ import annotations

from typing import Any

from zhengwu.core.errors import NotFound
from zhengwu.registrations.manual.constants import SUBJECT_TYPE as MANUAL_SUBJECT_TYPE
from zhengwu.registrations.models import AgentRegistration, ManualVerification, NaturalPersonReview

from .permissions import is_reviewer

#: Uploads attached to these cases are shown to reviewers (``uploads.access`` viewer check).
REVIEWED_SUBJECT_TYPES = frozenset({MANUAL_SUBJECT_TYPE})


def reviewer_can_view_upload(user: Any, upload: Any) -> bool:
    """Viewer check: reviewers see the uploads of the cases they review (REG-9)."""
    return upload.subject_type in REVIEWED_SUBJECT_TYPES and is_reviewer(user)


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
            pk=pk, status__in=["pending", "approved", "rejected"]
        )
    except AgentRegistration.DoesNotExist:
        raise NotFound() from None
