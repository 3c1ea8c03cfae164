"""Who may see the campaign figures, reveal a phone, assist a registration."""

from __future__ import annotations

from typing import Any

from zhengwu.enterprise.permissions import can_view_campaign as can_view_code_campaign

from .constants import REVEAL_PERMISSION, VIEW_PERMISSION


def _active_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def can_view_figures(user: Any) -> bool:
    """Active staff holding ``campaigns.view_campaign_figures`` (group 专项行动统计员), or EC-4's
    ``enterprise.view_campaign`` (企业码管理员 keep seeing the claim campaign)."""
    return _active_staff(user) and (user.has_perm(VIEW_PERMISSION) or can_view_code_campaign(user))


def can_reveal_phone(user: Any) -> bool:
    return _active_staff(user) and user.has_perm(REVEAL_PERMISSION)


def can_assist(user: Any) -> bool:
    """Window staff: any active staff member signed in to the back office."""
    return _active_staff(user)
