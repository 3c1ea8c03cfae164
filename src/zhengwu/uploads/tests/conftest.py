"""Fixtures of the upload tests: a private storage in a temporary directory, and personas."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from zhengwu.uploads.access import _checks
from zhengwu.uploads.services import upload_store

from . import samples


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    """The default storage writes under the test's temporary directory, never into var/."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _no_viewer_checks():
    """Each test starts without registered viewer checks and leaves none behind."""
    saved = list(_checks)
    _checks.clear()
    yield
    _checks[:] = saved


def stored_files(location) -> list:
    return sorted(p for p in location.rglob("*") if p.is_file())


@pytest.fixture
def files_in(private_storage):
    """The files currently in the private storage."""
    return lambda: stored_files(private_storage)


@pytest.fixture
def applicant(django_user_model):
    return django_user_model.objects.create_user(
        username="applicant01", password="x", kind="legal_person"
    )


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user(
        username="outsider01", password="x", kind="legal_person"
    )


@pytest.fixture
def reviewer(django_user_model):
    """Back-office staff holding ``uploads.view_privateupload``."""
    user = django_user_model.objects.create_user(username="reviewer01", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_privateupload", content_type__app_label="uploads")
    )
    return user


@pytest.fixture
def staff_without_permission(django_user_model):
    return django_user_model.objects.create_user(username="clerk01", password="x", is_staff=True)


@pytest.fixture
def licence_upload(applicant):
    """A licence page uploaded by ``applicant``."""
    return upload_store(file=samples.uploaded(samples.jpeg()), kind="licence_page", actor=applicant)
