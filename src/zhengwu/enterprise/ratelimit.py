"""Per-IP rate limit of the public verification page (EC-3): a fixed-window counter in the
cache (Redis in production, so all app processes share it)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from zhengwu.core.cache import count_in_window
from zhengwu.core.context import client_ip


def verification_allowed(request: HttpRequest) -> bool:
    """Count this request against its IP; ``False`` once the minute's budget is spent."""
    limit = settings.ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE
    if limit <= 0:
        return True
    key = f"enterprise:verify:{client_ip(request) or 'unknown'}"
    return count_in_window(cache, key, 60) <= limit  # one Redis round trip
