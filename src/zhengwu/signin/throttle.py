"""Counters kept in the cache: per-address sign-in failures, and the look-alike lock of
principals that match no account.

* Per address and account together (ACC-2, on top of the per-account lock): one account (or
  typed name) that failed ``ZHENGWU_SIGNIN_IP_ACCOUNT_MAX_FAILURES`` times from one address
  within ``ZHENGWU_SIGNIN_IP_WINDOW_SECONDS`` is refused from that address until the window
  ends; everyone else behind the address (a service hall behind one NAT) goes on.
* Per address: an address that produced ``ZHENGWU_SIGNIN_IP_MAX_FAILURES`` failed sign-ins
  (all accounts together) within the window is refused until the window ends, without checking
  any password: one address guessing passwords across many accounts is slowed to that rate.
  The limit is high (200 by default) so that a hall's honest typos do not reach it; only
  failures count.
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


def _pair_key(ip: str, principal: str) -> str:
    window = conf.ip_window_seconds()
    name = blind_index(principal.strip().upper(), purpose="signin_principal")
    return f"signin:ipacct:{ip}:{name}:{int(time.time()) // window}"


def _retry_after(key: str, limit: int) -> int:
    if limit <= 0 or int(cache.get(key, 0)) < limit:
        return 0
    window = conf.ip_window_seconds()
    return max(1, math.ceil(window - time.time() % window))


def ip_retry_after(ip: str | None) -> int:
    """Seconds until ``ip`` may try again, or 0 when it is under the address-wide limit."""
    if not ip:
        return 0
    return _retry_after(_ip_key(ip), conf.ip_max_failures())


def pair_retry_after(ip: str | None, principal: str) -> int:
    """Seconds until ``principal`` may be tried again from ``ip``, or 0 under that limit."""
    if not ip:
        return 0
    return _retry_after(_pair_key(ip, principal), conf.ip_account_max_failures())


def _count(key: str) -> None:
    timeout = conf.ip_window_seconds() + 5
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)


def ip_failure(ip: str | None, principal: str = "") -> None:
    """Count one failed sign-in from ``ip`` (and of ``principal`` from it) in this window."""
    if not ip:
        return
    if conf.ip_max_failures() > 0:
        _count(_ip_key(ip))
    if principal and conf.ip_account_max_failures() > 0:
        _count(_pair_key(ip, principal))


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
