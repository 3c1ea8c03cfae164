from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.agency.apps import OFFICE_GROUP
from zhengwu.agency.models import AgencyUnit, LoginImage
from zhengwu.agency.services import login
from zhengwu.uploads.tests.samples import jpeg

from .factories import AgencyUnitFactory

CAPTCHA = {"captcha_0": "key", "captcha_1": "PASSED"}


@pytest.fixture(scope="session")
def licence_key_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    from zhengwu.licences.keys import create_keys

    directory = tmp_path_factory.mktemp("agency-licence-keys")
    create_keys(signer_path=directory / "signer.pem", ca_path=directory / "ca.pem")
    return directory


@pytest.fixture(autouse=True)
def _licence_keys(settings, licence_key_dir):  # type: ignore[no-untyped-def]
    """Temporary licence signing keys: a completed case's certificate is a signed PDF."""
    settings.ZHENGWU_LICENCE_SIGNING_KEY = str(licence_key_dir / "signer.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(licence_key_dir / "ca.pem")


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("申领表.jpg", jpeg(), content_type="image/jpeg")


def office_user(**kwargs):  # type: ignore[no-untyped-def]
    user = UserFactory(staff=True, **kwargs)
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(Permission.objects.get(codename="handle_agency"))
    user.groups.add(group)
    return user


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return office_user()


@pytest.fixture
def unit(db):
    return AgencyUnitFactory()


def issue(unit: AgencyUnit, staff, **overrides) -> login.Issued:  # type: ignore[no-untyped-def]
    values = {
        "unit": unit,
        "reason": LoginImage.Reason.NEVER_ISSUED,
        "recipient_name": "张伟",
        "recipient_mobile": "13957100001",
        "applied_on": datetime.date(2026, 12, 1),
        "form_scan": scan(),
        "delivery": LoginImage.Delivery.ON_SITE,
        "actor": staff,
        **overrides,
    }
    return login.issue_image(**values)


def signin_upload(client, png: bytes, name: str = "login.png", **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/agency/signin/",
        {"image": SimpleUploadedFile(name, png, content_type="image/png"), **CAPTCHA, **extra},
    )
