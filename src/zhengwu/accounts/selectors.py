"""Reads of the accounts domain, scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from zhengwu.core.errors import NotFound

from .constants import APPROVER_ROLES, Role
from .models import Membership, Organisation, User

ORGANISATION_NOT_FOUND = "单位不存在"
MEMBER_NOT_FOUND = "经办人不存在"


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


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    """The active memberships of ``user`` in active organisations (the 组织中心 entry)."""
    if not getattr(user, "is_authenticated", False) or user.kind != User.Kind.LEGAL_PERSON:
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            user=user, is_active=True, organisation__status=Organisation.Status.ACTIVE
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def membership_get_for_user(*, user: Any, organisation_id: int) -> Membership:
    """``user``'s own active membership of organisation ``organisation_id``, else ``NotFound``.

    The one way into an organisation's pages: somebody outside it learns nothing, not even
    whether it exists (404 for every organisation resource).
    """
    membership = memberships_of(user=user).filter(organisation_id=organisation_id).first()
    if membership is None:
        raise NotFound(ORGANISATION_NOT_FOUND, code="organisation.not_found")
    return membership


def is_manager(membership: Membership) -> bool:
    """Legal representative or administrator: sees and manages operators (ACC-5)."""
    return membership.role in APPROVER_ROLES


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """Every member of ``organisation`` (active and disabled), the legal representative first."""
    order = {Role.LEGAL_REPRESENTATIVE: 0, Role.ADMINISTRATOR: 1, Role.OPERATOR: 2}
    rank = Case(
        *[When(role=role, then=Value(n)) for role, n in order.items()],
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "-is_active", "created_at", "pk")
    )


def member_get(*, organisation: Organisation, pk: int) -> Membership:
    """One membership of ``organisation`` (scoped: another organisation's member is NotFound)."""
    membership = (
        Membership.objects.filter(organisation=organisation, pk=pk).select_related("user").first()
    )
    if membership is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return membership


def user_get_for_staff(*, pk: int) -> User:
    """An account as the back office sees it (ACC-7 reveal page)."""
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFound("账号不存在")
    return user
