"""Which Chromium the browser tests drive (read by ``conftest.py``; tested without a browser
by ``tests/test_ensure_browser.py``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def chromium_path(environ: Mapping[str, str] = os.environ) -> str:
    """The browser the tests drive: ``$ZHENGWU_CHROMIUM``, else the path written by
    ``scripts/ensure-browser.sh`` (``$ZHENGWU_BROWSER_PATH_FILE``, default
    ``var/chromium-path``, relative to the checkout), else ``/usr/bin/chromium``."""
    if environ.get("ZHENGWU_CHROMIUM"):
        return environ["ZHENGWU_CHROMIUM"]
    found = Path(environ.get("ZHENGWU_BROWSER_PATH_FILE") or ROOT / "var" / "chromium-path")
    if not found.is_absolute():
        found = ROOT / found
    if found.is_file() and found.read_text().strip():
        return found.read_text().strip()
    return "/usr/bin/chromium"
