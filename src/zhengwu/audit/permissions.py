"""The one test of "is a security auditor" (安全审计员, ACC-8)."""

from __future__ import annotations

from typing import Any

AUDIT_PERMISSION = "audit.view_audit_log"
AUDITOR_GROUP = "安全审计员"


def is_auditor(user: Any) -> bool:
    """An active staff user holding ``audit.view_audit_log`` (directly or via 安全审计员)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(AUDIT_PERMISSION)
    )
