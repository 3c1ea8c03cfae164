"""Counters kept in the cache: per-address sign-in failures, and the look-alike lock of
principals that match no account.

* Per address (ACC-2, on top of the per-account lock): an address that produced
  ``ZHENGWU_SIGNIN_IP_MAX_FAILURES`` failed sign-ins within ``ZHENGWU_SIGNIN_IP_WINDOW_SECONDS``
  is refused until the window ends, without checking any password: one address guessing
  passwords across many accounts is slowed to that rate. Only failures count, so many people
  behind one office NAT who sign in correctly are not affected.
* Per unknown principal: a name that matches no account "locks" after the same number of
  failures as a real one, so the lock message does not tell an account from a non-account.

The cache is shared by all app processes in production (Redis); ``cache.add`` + ``incr`` is
atomic there. In the embedded setup (local memory) each process counts on its own.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache

from zhengwu.core.crypto import blind_index

from . import conf


def _ip_key(ip: str) -> str:
    window = conf.ip_window_seconds()
    return f"signin:ip:{ip}:{int(time.time()) // window}"


def ip_retry_after(ip: str | None) -> int:
    """Seconds until ``ip`` may try again, or 0 when it is under the limit."""
    limit = conf.ip_max_failures()
    if not ip or limit <= 0:
        return 0
    count = cache.get(_ip_key(ip), 0)
    if count < limit:
        return 0
    window = conf.ip_window_seconds()
    return max(1, math.ceil(window - time.time() % window))


def ip_failure(ip: str | None) -> None:
    """Count one failed sign-in from ``ip`` in the current window."""
    if not ip or conf.ip_max_failures() <= 0:
        return
    key = _ip_key(ip)
    cache.add(key, 0, timeout=conf.ip_window_seconds() + 5)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=conf.ip_window_seconds() + 5)


def _ghost_key(principal: str) -> str:
    return "signin:ghost:" + blind_index(principal.strip().upper(), purpose="signin_principal")


def ghost_failure(principal: str) -> int:
    """Count one failure of a principal matching no account; the new count."""
    key = _ghost_key(principal)
    cache.add(key, 0, timeout=24 * 3600)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=24 * 3600)
        return 1


def ghost_count(principal: str) -> int:
    return int(cache.get(_ghost_key(principal), 0))


def once_per(key: str, seconds: int) -> int:
    """0 the first time ``key`` is seen within ``seconds`` (and start the period), else the
    seconds left. Recovery uses it so that known and unknown accounts are limited alike."""
    now = time.time()
    if cache.add(f"signin:once:{key}", now, timeout=seconds):
        return 0
    started = cache.get(f"signin:once:{key}", now)
    return max(1, math.ceil(seconds - (now - started)))
