"""Reads of operator applications, scoped to the person asking (REG-7)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.accounts.models import User
from zhengwu.accounts.selectors import organisations_approvable_by
from zhengwu.core.errors import NotFound

from ..constants import ApplicationStatus
from ..models import OperatorApplication


def operator_applications_pending_for(*, user: User) -> QuerySet[OperatorApplication]:
    """Pending applications of the organisations ``user`` approves for (经办人申请)."""
    return (
        OperatorApplication.objects.filter(
            status=ApplicationStatus.PENDING,
            organisation__in=organisations_approvable_by(user=user),
        )
        .select_related("organisation")
        .order_by("created_at")
    )


def operator_application_get_for_approver(*, user: User, pk: int) -> OperatorApplication:
    """One application of an organisation ``user`` approves for, else ``NotFound`` (a stranger
    learns nothing about other organisations' applications)."""
    application = (
        OperatorApplication.objects.filter(
            pk=pk, organisation__in=organisations_approvable_by(user=user)
        )
        .select_related("organisation")
        .first()
    )
    if application is None:
        raise NotFound("经办人申请不存在")
    return application
