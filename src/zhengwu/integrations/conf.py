"""Settings of the providers, read at call time so that ``override_settings`` works.

Settings not (yet) defined in ``zhengwu.settings.base`` have their default here.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def sandbox_enabled() -> bool:
    """``ZHENGWU_SANDBOX``: sandbox providers and the ``/sandbox/`` pages are on."""
    return bool(getattr(settings, "ZHENGWU_SANDBOX", False))


def site_url() -> str:
    """``ZHENGWU_SITE_URL``: the portal's public origin, used in links that leave the browser
    (the face-check QR code scanned by a phone, links in SMS texts)."""
    return str(getattr(settings, "ZHENGWU_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def face_check_ttl() -> timedelta:
    """``ZHENGWU_IDENTITY_CHECK_TTL_SECONDS``: how long a face check waits for the phone."""
    return timedelta(seconds=int(getattr(settings, "ZHENGWU_IDENTITY_CHECK_TTL_SECONDS", 600)))
