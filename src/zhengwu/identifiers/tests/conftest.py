"""The identifier tests are pure Python: they must run without Django (``-p no:django``).

The project-wide ``conftest.py`` has an autouse fixture that clears Django's cache; it is
overridden here by a no-op of the same name so this package's tests never import Django.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache() -> Iterator[None]:
    yield
