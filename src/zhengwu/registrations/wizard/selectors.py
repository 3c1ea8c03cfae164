"""Reads of the wizard: its drafts (``draft_get``) and operator applications, scoped to the
person asking (REG-7)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from zhengwu.accounts.models import User
from zhengwu.accounts.selectors import organisations_approvable_by
from zhengwu.core.errors import NotFound, ValidationFailed

from ..constants import ApplicationStatus, DraftStep
from ..errors import DraftExpired
from ..models import OperatorApplication, RegistrationDraft
from . import draft_store


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


def draft_get(*, draft_id: Any, step: str | None = None, token: str = "") -> RegistrationDraft:
    """The live draft ``draft_id`` (optionally at ``step``), or ``NotFound`` / ``DraftExpired``.

    The database row, else the step-1 draft sealed in ``token`` (``draft_store``: an unsaved
    instance, written by the first step-2 submission)."""
    draft: RegistrationDraft | None
    try:
        draft = RegistrationDraft.objects.get(pk=draft_id)
    except RegistrationDraft.DoesNotExist:
        draft = draft_store.unseal(draft_id, token)
    except (ValueError, TypeError, DjangoValidationError):
        draft = None
    if draft is None:
        raise NotFound("注册信息不存在，请从第一步重新填写", code="registration.not_found")
    if draft.step != DraftStep.DONE and draft.is_expired:
        raise DraftExpired()
    if step is not None and draft.step != step:
        raise ValidationFailed(
            f"当前步骤为“{draft.get_step_display()}”", code="registration.wrong_step"
        )
    return draft
