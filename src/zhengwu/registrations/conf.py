"""Settings of the registrations app, read at call time (``override_settings`` works)."""

from __future__ import annotations

from django.conf import settings


def max_rejections_per_day() -> int:
    """``ZHENGWU_REG_MAX_REJECTIONS_PER_DAY`` (REG-8, seed 001 三.3): after this many rejections
    by one organisation in one day an operator cannot apply to it again that day (default 3)."""
    return int(getattr(settings, "ZHENGWU_REG_MAX_REJECTIONS_PER_DAY", 3))


def draft_ttl_seconds() -> int:
    """``ZHENGWU_REG_DRAFT_TTL_SECONDS``: how long a wizard in progress (and the lock it holds on
    the mobile, REG-8) lives after its last step (default 1800 s)."""
    return int(getattr(settings, "ZHENGWU_REG_DRAFT_TTL_SECONDS", 1800))
