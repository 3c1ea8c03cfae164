"""The natural-person channel's review decisions and its back-office queue (REG-11,
个人实名人工审核, journey 6).

``natural_review_approve`` / ``natural_review_reject`` check that the actor is a reviewer and
move the review through ``core.workflow.transition``; SMS leave after commit. ``register``
plugs the queue into ``zhengwu.reviews`` (called from ``RegistrationsConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import services as accounts
from zhengwu.core.workflow import transition
from zhengwu.notifications.services import sms_send
from zhengwu.reviews.permissions import reviewer_required
from zhengwu.reviews.queues import Queue, QueueItem, register_queue

from ..common.reasons import rejection_reason
from ..models.natural import NaturalPersonDraft, NaturalPersonReview, NaturalReviewStatus
from .constants import NaturalReturnReason
from .services import _claim_to_user, _user_create, _user_or_none


def natural_review_approve(*, review: NaturalPersonReview, actor: Any) -> NaturalPersonReview:
    """通过 (待审核 → 审核通过): the account opens and the applicant gets
    ``manual_review.approved`` after commit. Reviewers only; a second decision is refused by
    the transition helper."""
    reviewer_required(actor)
    with transaction.atomic():
        locked = NaturalPersonReview.objects.select_for_update().get(pk=review.pk)
        draft = locked.draft
        user = None
        if locked.status == NaturalReviewStatus.PENDING:
            user = _user_create(draft=draft, actor=actor)
        review = transition(
            locked,
            NaturalReviewStatus.APPROVED,
            actor=actor,
            changes={
                "user": user,
                "decided_by": _user_or_none(actor),
                "decided_at": timezone.now(),
            },
        )
        assert user is not None  # transition() refused anything but pending → approved
        _claim_to_user(mobile=draft.mobile, from_holder=locked.claim_holder, user=user)
        NaturalPersonDraft.objects.filter(pk=draft.pk).update(user=user)
        sms_send(
            mobile=draft.mobile,
            template="manual_review.approved",
            params={"reference": review.reference},
            actor=actor,
            subject=review,
        )
    return review


def natural_review_reject(
    *, review: NaturalPersonReview, actor: Any, reason_code: str, reason_text: str = ""
) -> NaturalPersonReview:
    """退回 (待审核 → 已退回) with a reason template plus free text (``其他`` needs the text);
    frees the mobile; SMS ``manual_review.rejected`` with the reason after commit. Reviewers
    only."""
    reviewer_required(actor)
    reason = rejection_reason(reason_code, reason_text, reasons=NaturalReturnReason)
    with transaction.atomic():
        review = transition(
            review,
            NaturalReviewStatus.RETURNED,
            actor=actor,
            reason=reason,
            changes={
                "reason": reason,
                "decided_by": _user_or_none(actor),
                "decided_at": timezone.now(),
            },
        )
        accounts.mobile_claim_release(holder=review.claim_holder)
        sms_send(
            mobile=review.draft.mobile,
            template="manual_review.rejected",
            params={"reference": review.reference, "reason": reason},
            actor=actor,
            subject=review,
        )
    return review


def _natural_items(status: str) -> list[QueueItem]:
    """个人实名人工审核 (REG-11), earliest 48-working-hour deadline first; one query (the
    draft joined), the name masked in the list."""
    now = timezone.now()
    reviews = (
        NaturalPersonReview.objects.select_related("draft")
        .only(
            "pk",
            "status",
            "submitted_at",
            "deadline",
            "created_at",
            "draft__real_name",
            "draft__id_type",
        )
        .order_by("deadline", "pk")
    )
    if status:
        reviews = reviews.filter(status=status)
    return [
        QueueItem(
            pk=review.pk,
            reference=review.reference,
            title=review.draft.masked_name,
            kind_label=review.draft.get_id_type_display(),
            status=review.status,
            status_label=review.get_status_display(),
            submitted_at=review.submitted_at,
            deadline_at=review.deadline,
            is_overdue=review.status == NaturalReviewStatus.PENDING and review.deadline <= now,
            url=reverse("reviews:natural_case", args=[review.pk]),
        )
        for review in reviews
    ]


def register() -> None:
    register_queue(
        Queue(
            key="natural",
            label=_("个人实名人工审核"),
            statuses=NaturalReviewStatus.choices,
            default_status=NaturalReviewStatus.PENDING,
            items=_natural_items,
            title_label=_("姓名"),
            kind_header=_("证件类型"),
        )
    )
