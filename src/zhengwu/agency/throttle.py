"""Failure counters of image sign-in (like ACC-2): per address and per unit, in the cache
(shared by all app processes in production), fixed windows of ``window_seconds``."""

from __future__ import annotations

import math
import time

from django.core.cache import cache

from . import conf


def _key(scope: str, value: str) -> str:
    return f"agency:signin:{scope}:{value}:{int(time.time()) // conf.window_seconds()}"


def retry_after(scope: str, value: str | None, limit: int) -> int:
    """Seconds until ``value`` may try again, 0 when under ``limit`` failures."""
    if not value or limit <= 0 or cache.get(_key(scope, value), 0) < limit:
        return 0
    window = conf.window_seconds()
    return max(1, math.ceil(window - time.time() % window))


def failure(scope: str, value: str | None) -> None:
    if not value:
        return
    key = _key(scope, value)
    cache.add(key, 0, timeout=conf.window_seconds() + 5)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=conf.window_seconds() + 5)
