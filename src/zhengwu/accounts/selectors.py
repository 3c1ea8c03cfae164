"""Reads of the accounts domain, scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from .constants import APPROVER_ROLES
from .models import Membership, Organisation, User


def organisations_approvable_by(*, user: User) -> QuerySet[Organisation]:
    """Organisations where ``user`` may approve operators (legal representative or admin)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=APPROVER_ROLES,
        status=Organisation.Status.ACTIVE,
    ).distinct()


def approvers_of(*, organisation: Organisation) -> list[User]:
    """Active legal representatives and administrators of ``organisation`` (REG-7 SMS)."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=APPROVER_ROLES, user__is_active=True
        ).select_related("user")
    ]
