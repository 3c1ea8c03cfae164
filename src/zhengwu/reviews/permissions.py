"""The one test of "is a reviewer" (journey 6), used by views, services and upload access."""

from __future__ import annotations

from typing import Any

from zhengwu.core.errors import PermissionDenied

from .constants import REVIEW_PERMISSION


def is_reviewer(user: Any) -> bool:
    """An active staff user holding ``reviews.review_case`` (directly or via 审核人员)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(REVIEW_PERMISSION)
    )


def reviewer_required(actor: Any) -> None:
    """``PermissionDenied`` unless ``actor`` is a reviewer: every channel's review decisions
    start with it."""
    if not is_reviewer(actor):
        raise PermissionDenied("只有审核人员可以审核人工认证申请")
