"""Reads of 个人注册 (REG-11): the applicant's draft and the manual-review queue."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from zhengwu.core.errors import NotFound

from ..errors import DraftExpired
from ..models.natural import NaturalPersonDraft, NaturalPersonReview, NaturalReviewStatus


def natural_person_reviews_pending() -> QuerySet[NaturalPersonReview]:
    """Pending manual reviews, earliest working-hour deadline first (``is_overdue`` marks the
    late ones), with the draft's data joined."""
    return (
        NaturalPersonReview.objects.filter(status=NaturalReviewStatus.PENDING)
        .select_related("draft")
        .order_by("deadline", "pk")
    )


def natural_draft_get(*, draft_id: Any) -> NaturalPersonDraft:
    """The draft ``draft_id``; ``NotFound`` / ``DraftExpired`` (a finished one never expires)."""
    try:
        draft = NaturalPersonDraft.objects.get(pk=draft_id)
    except (NaturalPersonDraft.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound("注册信息不存在，请重新填写", code="registration.not_found") from None
    if draft.step != NaturalPersonDraft.Step.DONE and draft.is_expired:
        raise DraftExpired()
    return draft


# --- 实名认证 -----------------------------------------------------------------------------------
