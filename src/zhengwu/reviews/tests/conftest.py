"""Fixtures of the back-office tests: private storage in a temporary directory."""

import pytest


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    """Uploads go under the test's temporary directory, never into var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"
