"""Project-wide pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (rate limits, provider state)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
