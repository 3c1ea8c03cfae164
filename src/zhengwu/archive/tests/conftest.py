import shutil
import warnings

import pytest
from django.contrib.auth.models import Group

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.archive.constants import ARCHIVE_GROUP

HAVE_TESSERACT = shutil.which("tesseract") is not None

needs_tesseract = pytest.mark.skipif(
    not HAVE_TESSERACT,
    reason=(
        "!!! OCR NOT TESTED: tesseract is not installed — "
        "apt-get install tesseract-ocr tesseract-ocr-chi-sim (as .ci/run does) !!!"
    ),
)
if not HAVE_TESSERACT:
    warnings.warn("tesseract is absent: the archive's OCR tests are skipped", stacklevel=1)


@pytest.fixture
def archivist(db):
    user = UserFactory(staff=True, username="archivist")
    user.groups.add(Group.objects.get(name=ARCHIVE_GROUP))
    return user


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
