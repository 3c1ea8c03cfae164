"""Who may do what with enterprise codes: the one place the answers live."""

from __future__ import annotations

from typing import Any

from zhengwu.accounts.models import Membership, Organisation, User

from .constants import CAMPAIGN_PERMISSION, CLAIM_ROLES, MANAGE_PERMISSION


def _active_staff_with(user: Any, permission: str) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
    )


def can_manage_codes(user: Any) -> bool:
    """An active staff user holding ``enterprise.manage_code`` (group 企业码管理员)."""
    return _active_staff_with(user, MANAGE_PERMISSION)


def can_view_campaign(user: Any) -> bool:
    """An active staff user holding ``enterprise.view_campaign`` (group 企业码管理员)."""
    return _active_staff_with(user, CAMPAIGN_PERMISSION)


def can_claim(user: Any, organisation: Organisation) -> bool:
    """EC-1: an active legal-person account with an active membership of the unit in one of
    ``CLAIM_ROLES`` (decision 0014)."""
    if not (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.kind == User.Kind.LEGAL_PERSON
    ):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role__in=CLAIM_ROLES
    ).exists()
