"""Fixtures of the registration tests: a register entry and the wizard driven step by step."""

import re

import pytest

from zhengwu.accounts.tests.factories import PASSWORD, make_personas, resident_id
from zhengwu.notifications.services import verification_code_send
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.registrations.wizard import services

OPERATOR_ID = resident_id(12345)  # an employee, not the legal representative


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    """Uploads (manual channel, the agent's 上传证件) go under the test's temporary directory,
    never into var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def personas(db):
    """The accounts personas; the reviewer is in 审核人员 (the channels' review decisions
    check it, ``reviews.permissions.reviewer_required``)."""
    from django.contrib.auth.models import Group

    from zhengwu.reviews.constants import REVIEWER_GROUP

    people = make_personas()
    people.reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return people


@pytest.fixture
def entity(db):
    """An active enterprise in the register; its legal representative passes face checks."""
    return MarketEntityFactory()


def step1_data(entity, **overrides):
    data = {
        "location": "in_province",
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "agreement_accepted": True,
    }
    return {**data, **overrides}


@pytest.fixture
def start(entity):
    def run(**overrides):
        return services.registration_start(**step1_data(entity, **overrides))

    return run


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """Send the step-2 code as the page would and return it, read from the SMS."""

    def run(mobile):
        with django_capture_on_commit_callbacks(execute=True):
            row = verification_code_send(mobile=mobile, purpose="registration")
        return re.search(r"验证码(\d{6})", row.message.text).group(1)

    return run


def step2_data(entity, *, as_legal_rep=True, **overrides):
    data = {
        "username": "hz_company",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "operator_name": entity.legal_rep_name if as_legal_rep else "李测试通过",
        "operator_id_type": "resident_id",
        "operator_id_number": entity.legal_rep_id_number if as_legal_rep else OPERATOR_ID,
        "landline": "",
        "mobile": entity.registered_phone if as_legal_rep else "13957199999",
    }
    return {**data, **overrides}


@pytest.fixture
def submit_user(entity, send_code):
    """Step 2 with a real SMS code (unless ``sms_code`` is given)."""

    def run(draft, *, as_legal_rep=True, unit=None, **overrides):
        data = step2_data(unit or entity, as_legal_rep=as_legal_rep, **overrides)
        if "sms_code" not in data:
            data["sms_code"] = send_code(data["mobile"])
        return services.registration_user_submit(draft=draft, **data)

    return run


@pytest.fixture
def register(start, submit_user, django_capture_on_commit_callbacks):
    """The whole wizard; the operator's name makes the sandbox face check pass at once."""

    def run(*, as_legal_rep=True, **overrides):
        draft = start()
        submit_user(draft, as_legal_rep=as_legal_rep, **overrides)
        services.registration_face_start(draft=draft)
        with django_capture_on_commit_callbacks(execute=True):
            result = services.registration_face_poll(draft=draft)
        assert result.is_passed
        draft.refresh_from_db()
        return draft

    return run
