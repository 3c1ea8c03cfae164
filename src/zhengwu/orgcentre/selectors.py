"""Reads of the organisation centre, scoped to the organisation the caller belongs to."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.accounts.models import Organisation
from zhengwu.registrations.constants import ApplicationStatus
from zhengwu.registrations.models import OperatorApplication


def pending_applications_of(*, organisation: Organisation) -> QuerySet[OperatorApplication]:
    """The organisation's pending 经办人申请, oldest first (ACC-5)."""
    return OperatorApplication.objects.filter(
        organisation=organisation, status=ApplicationStatus.PENDING
    ).order_by("created_at", "pk")
