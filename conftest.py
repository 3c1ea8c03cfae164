"""Project-wide pytest fixtures."""

import pytest
from hypothesis import settings

# No per-example time limit: correctness tests must not fail because the machine is busy (CI
# and parallel runs share cores); speed is measured in bench/, never in unit tests.
settings.register_profile("zhengwu", deadline=None)
settings.load_profile("zhengwu")


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (rate limits, provider state)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
