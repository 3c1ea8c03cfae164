"""Who may see which archive files: staff with the permission see all; a unit's members see
the unit's own (matched by USCC through an active membership)."""

from __future__ import annotations

from typing import Any

from zhengwu.accounts.models import Membership

from .constants import IMPORT_PERMISSION, VIEW_PERMISSION
from .models import ArchiveFile


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_search_all(user: Any) -> bool:
    return _active(user) and user.is_staff and user.has_perm(VIEW_PERMISSION)


def can_import(user: Any) -> bool:
    return _active(user) and user.is_staff and user.has_perm(IMPORT_PERMISSION)


def unit_usccs(user: Any) -> list[str]:
    """USCCs of the units the user acts for (active memberships of active organisations)."""
    if not _active(user):
        return []
    rows = Membership.objects.filter(
        user=user,
        is_active=True,
        organisation__status="active",
        organisation__uscc__isnull=False,
    ).values_list("organisation__uscc", flat=True)
    return [uscc for uscc in rows if uscc]


def can_view(user: Any, archive: ArchiveFile) -> bool:
    return can_search_all(user) or archive.uscc in unit_usccs(user)
