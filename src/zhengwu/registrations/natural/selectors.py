"""Reads of 个人注册 for the back office (REG-11): the manual-review queue."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models.natural import NaturalPersonReview, NaturalReviewStatus


def natural_person_reviews_pending() -> QuerySet[NaturalPersonReview]:
    """Pending manual reviews, earliest working-hour deadline first (``is_overdue`` marks the
    late ones), with the draft's data joined."""
    return (
        NaturalPersonReview.objects.filter(status=NaturalReviewStatus.PENDING)
        .select_related("draft")
        .order_by("deadline", "pk")
    )
