"""The one test of "is a reviewer" (journey 6), used by views, services and upload access."""

from __future__ import annotations

from typing import Any

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
