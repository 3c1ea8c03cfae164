"""Settings of the registry app, read at call time (``override_settings`` works).

None of them is required; the defaults suit the 2-core machines of BASELINES.md.
"""

from __future__ import annotations

from django.conf import settings


def parallel_min_bytes() -> int:
    """``ZHENGWU_REGISTRY_IMPORT_PARALLEL_MIN_BYTES``: CSV files at least this large are
    prepared by worker processes (smaller ones in-process: starting workers costs ~0.5 s)."""
    return int(getattr(settings, "ZHENGWU_REGISTRY_IMPORT_PARALLEL_MIN_BYTES", 4 * 1024 * 1024))


def max_workers() -> int:
    """``ZHENGWU_REGISTRY_IMPORT_MAX_WORKERS``: upper bound of worker processes (default: 4;
    the actual number is also bounded by the CPU count)."""
    return int(getattr(settings, "ZHENGWU_REGISTRY_IMPORT_MAX_WORKERS", 4))


def bulk_load_rows() -> int:
    """``ZHENGWU_REGISTRY_BULK_LOAD_ROWS``: on PostgreSQL, a first load (empty table) of about
    this many rows or more drops the primary key and the ID-number index and builds them
    after the COPY (estimated from the file size)."""
    return int(getattr(settings, "ZHENGWU_REGISTRY_BULK_LOAD_ROWS", 50_000))


DEMO_ADMIN_USERNAME = "admin"


def sandbox_enabled() -> bool:
    """``ZHENGWU_SANDBOX``: demo personas and the demo superuser exist only in sandbox mode."""
    return bool(getattr(settings, "ZHENGWU_SANDBOX", False))


def demo_password() -> str:
    """``ZHENGWU_DEMO_PASSWORD`` (setting, else environment): the demo superuser's password."""
    import os

    return str(
        getattr(settings, "ZHENGWU_DEMO_PASSWORD", None)
        or os.environ.get("ZHENGWU_DEMO_PASSWORD")
        or "Zhengwu@2026"
    )
