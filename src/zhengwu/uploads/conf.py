"""Settings of the uploads app, read at call time (``override_settings`` works).

Every setting is optional; the defaults below apply when it is not defined (see
``docs/workflows/uploads.md``).
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    """``ZHENGWU_UPLOAD_MAX_BYTES``: largest accepted file, in bytes (5 MiB)."""
    return _int("ZHENGWU_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def min_side() -> int:
    """``ZHENGWU_UPLOAD_MIN_SIDE``: width and height must both reach this many pixels (200),
    so that a licence or an ID page stays legible."""
    return _int("ZHENGWU_UPLOAD_MIN_SIDE", 200)


def max_side() -> int:
    """``ZHENGWU_UPLOAD_MAX_SIDE``: neither width nor height may exceed this (10000 pixels)."""
    return _int("ZHENGWU_UPLOAD_MAX_SIDE", 10000)


def max_pixels() -> int:
    """``ZHENGWU_UPLOAD_MAX_PIXELS``: width × height limit (50 million, about 150 MB once
    decoded): the decompression-bomb guard, checked from the header before decoding."""
    return _int("ZHENGWU_UPLOAD_MAX_PIXELS", 50_000_000)
