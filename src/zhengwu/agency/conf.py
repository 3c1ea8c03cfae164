"""Settings of the agency platform, with defaults (override in the Django settings)."""

from __future__ import annotations

from django.conf import settings


def image_max_bytes() -> int:
    """Largest sign-in image accepted (a phone photo of a screen fits comfortably)."""
    return int(getattr(settings, "ZHENGWU_AGENCY_IMAGE_MAX_BYTES", 8 * 1024 * 1024))


def image_max_pixels() -> int:
    return int(getattr(settings, "ZHENGWU_AGENCY_IMAGE_MAX_PIXELS", 40_000_000))


def ip_max_failures() -> int:
    return int(getattr(settings, "ZHENGWU_AGENCY_SIGNIN_IP_MAX_FAILURES", 10))


def unit_max_failures() -> int:
    return int(getattr(settings, "ZHENGWU_AGENCY_SIGNIN_UNIT_MAX_FAILURES", 5))


def window_seconds() -> int:
    return int(getattr(settings, "ZHENGWU_AGENCY_SIGNIN_WINDOW_SECONDS", 15 * 60))


def link_hours() -> int:
    """How long the SMS one-time download link of a login image stays valid."""
    return int(getattr(settings, "ZHENGWU_AGENCY_IMAGE_LINK_HOURS", 72))
