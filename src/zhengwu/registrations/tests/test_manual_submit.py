"""REG-9 人工认证渠道: submission (fields, uploads, account, deadline, SMS)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.accounts.models import Membership, User
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ConfigurationError, ValidationFailed
from zhengwu.core.workflow import history
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import verification_code_send
from zhengwu.registrations.manual import services as manual_services
from zhengwu.registrations.manual.constants import ManualStatus
from zhengwu.registrations.models import ManualVerification
from zhengwu.reviews.tests.factories import (
    APPLICANT_PASSWORD,
    jpeg_file,
    manual_data,
    manual_files,
)
from zhengwu.uploads.models import PrivateUpload

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
MOBILE = "13857101234"
# Friday 2026-11-20 10:00 Beijing time: the next working day is Monday 23 November.
FRIDAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def code(django_capture_on_commit_callbacks):
    def run(mobile=MOBILE):
        with django_capture_on_commit_callbacks(execute=True):
            row = verification_code_send(mobile=mobile, purpose="registration")
        return re.search(r"验证码(\d{6})", row.message.text).group(1)

    return run


@pytest.fixture
def submit(code, django_capture_on_commit_callbacks):
    def run(*, data=None, files=None, sms_code=None, **account):
        values = {
            "username": "pujiang_trade",
            "password": APPLICANT_PASSWORD,
            "password_confirm": APPLICANT_PASSWORD,
            "mobile": MOBILE,
            **account,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return manual_services.manual_verification_submit(
                data=data or manual_data(),
                files=manual_files() if files is None else files,
                sms_code=sms_code if sms_code is not None else code(values["mobile"]),
                **values,
            )

    return run


def test_submission_creates_account_case_uploads_and_sms(submit):
    """REG-9: one submission = an active legal-person account without membership, a pending
    case with its uploads attached and owned by the account, history, audit, and the
    已受理 SMS with the reference and deadline."""
    case = submit()
    user = case.user
    assert user.kind == User.Kind.LEGAL_PERSON and user.is_active
    assert user.check_password(APPLICANT_PASSWORD) and user.email == "zhao@example.com"
    assert not Membership.objects.filter(user=user).exists()
    assert case.status == ManualStatus.PENDING and case.organisation is None
    uploads = PrivateUpload.objects.filter(subject_type="registrations.manualverification")
    assert {u.kind for u in uploads} == {"licence_page", "id_document"}
    assert all(u.uploaded_by_id == user.pk and u.subject_id == str(case.pk) for u in uploads)
    assert [(t.from_state, t.to_state) for t in history(case)] == [("", "pending")]
    assert AuditEvent.objects.filter(event_type="manual_verification.submitted").exists()
    sms = SmsMessage.objects.get(template_code="manual_review.received")
    assert case.reference in sms.text and sms.mobile == MOBILE


@time_machine.travel(FRIDAY, tick=False)
def test_deadline_is_one_working_day_by_default(submit):
    """REG-9/CAL-1 Zhejiang rule: submitted on a Friday, due at the end of Monday."""
    case = submit()
    due = case.deadline_at.astimezone(BEIJING)
    assert due.date() in (datetime.date(2026, 11, 23), datetime.date(2026, 11, 24))
    assert due > datetime.datetime(2026, 11, 23, 23, 0, tzinfo=BEIJING)


@time_machine.travel(FRIDAY, tick=False)
def test_deadline_is_48_working_hours_with_the_heilongjiang_rule(submit, settings):
    """ZHENGWU_MANUAL_REVIEW_RULE=working_hours_48: Friday 10:00 + 48 working hours (the
    weekend does not count) = Tuesday 10:00."""
    settings.ZHENGWU_MANUAL_REVIEW_RULE = "working_hours_48"
    case = submit()
    assert case.deadline_at == datetime.datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING)


def test_an_unknown_review_rule_is_a_configuration_error(settings):
    """A typo in ZHENGWU_MANUAL_REVIEW_RULE fails loudly instead of using some default."""
    settings.ZHENGWU_MANUAL_REVIEW_RULE = "two_days"
    with pytest.raises(ConfigurationError):
        manual_services.review_deadline(FRIDAY)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"applicant_kind": ""}, "applicant_kind", "申请类型"),
        ({"organisation_name": " "}, "organisation_name", "单位名称"),
        (
            {"location": "outside_mainland", "applicant_kind": "outside_mainland"},
            "organisation_name_en",
            "单位英文名称",
        ),
        ({"has_code_certificate": ""}, "has_code_certificate", "证照"),
        ({"unit_code": ""}, "unit_code", "统一社会信用代码或组织机构代码"),
        ({"unit_code": "913100009141777693"}, "unit_code", "单位代码"),
        ({"operator_name": ""}, "operator_name", "经办人姓名"),
        ({"operator_id_number": "310101199003071234"}, "operator_id_number", "经办人证件号码"),
        ({"email": "not-an-address"}, "email", "经办人电子邮箱"),
        (
            {"applicant_kind": "temporary_project", "has_code_certificate": "no"},
            "project_code",
            "工程编码",
        ),
        (
            {"applicant_kind": "temporary_project", "has_code_certificate": "yes"},
            "has_code_certificate",
            "不能提供",
        ),
        (
            {
                "applicant_kind": "temporary_project",
                "has_code_certificate": "no",
                "project_code": "X1330211040113985T",
            },
            "operator_ethnicity",
            "经办人民族",
        ),
    ],
)
def test_each_field_is_validated_with_a_message_naming_it(submit, overrides, field, message):
    """REG-9: every field checked, the error names the field (nothing is created)."""
    with pytest.raises(ValidationFailed) as exc:
        submit(data=manual_data(**overrides), sms_code="000000")
    assert exc.value.field == field and message in exc.value.message
    assert not User.objects.exists()


def test_a_temporary_project_submits_with_its_project_code_and_stamped_proof(submit):
    """Seed 001 一.4: no certificate, the 18-character 工程编码, ethnicity, stamped proof."""
    data = manual_data(
        applicant_kind="temporary_project",
        location="in_province",
        legal_person_type="other",
        has_code_certificate="no",
        unit_code="",
        project_code="x1330211040113985t",
        operator_ethnicity="汉族",
    )
    case = submit(data=data, files=manual_files("id_document", "stamped_proof"))
    assert case.project_code == "X1330211040113985T" and not case.has_code_certificate


@pytest.mark.parametrize(
    ("certificate", "missing"), [("yes", "licence_page"), ("no", "stamped_proof")]
)
def test_required_uploads_depend_on_the_certificate_answer(submit, certificate, missing):
    """Licence page with a code-bearing certificate, stamped proof without; ID page always."""
    kinds = {"licence_page", "id_document", "stamped_proof"} - {missing}
    data = manual_data(has_code_certificate=certificate)
    with pytest.raises(ValidationFailed) as exc:
        submit(data=data, files=manual_files(*kinds), sms_code="000000")
    assert exc.value.field == missing


def test_a_renamed_png_is_refused_and_nothing_is_kept(submit):
    """REG-9: JPEG by content: a PNG named .jpg is refused beside its field; no account."""
    png = SimpleUploadedFile("licence.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 200, "image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        submit(files={"licence_page": png, "id_document": jpeg_file()})
    assert exc.value.code == "upload.not_jpeg" and exc.value.field == "licence_page"
    assert not User.objects.exists() and not ManualVerification.objects.exists()


def test_the_reg4_password_rules_apply(submit):
    """REG-4 reused: a password containing the operator's mobile is refused."""
    password = f"Ab#{MOBILE}"
    with pytest.raises(ValidationFailed) as exc:
        submit(password=password, password_confirm=password, sms_code="000000")
    assert exc.value.code == "password.contains_mobile"


def test_a_taken_username_is_refused(submit):
    """REG-4: usernames are unique across accounts."""
    from zhengwu.accounts.tests.factories import UserFactory

    UserFactory(username="pujiang_trade")
    with pytest.raises(ValidationFailed) as exc:
        submit(sms_code="000000")
    assert exc.value.field == "username"


def test_a_wrong_sms_code_creates_nothing(submit, code):
    """NTF-1: the SMS code is checked before anything is written."""
    code()
    with pytest.raises(ValidationFailed) as exc:
        submit(sms_code="000000")
    assert exc.value.field == "sms_code" or "验证码" in exc.value.message
    assert not User.objects.exists() and not PrivateUpload.objects.exists()


def test_the_applicant_signs_in_at_once_and_sees_pending(submit, client):
    """REG-9: the username and password work at once; the status page shows 待审核."""
    case = submit()
    assert client.login(username="pujiang_trade", password=APPLICANT_PASSWORD)
    body = client.get("/register/manual/status/").content.decode()
    assert "待审核" in body and case.reference in body


def test_the_status_page_needs_sign_in(client):
    """Anonymous visitors are sent to the sign-in page."""
    response = client.get("/register/manual/status/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@time_machine.travel(datetime.datetime(2026, 12, 31, 10, 0, tzinfo=BEIJING), tick=False)
def test_a_deadline_in_an_uncovered_year_refuses_before_the_code_is_spent(submit, code):
    """CAL-1: never guess a deadline; the refusal comes before the SMS code is used, so the
    applicant can submit with the same code once staff encode the next year."""
    from zhengwu.notifications.models import VerificationCode
    from zhengwu.workdays.errors import CalendarNotCovered

    sms_code = code()
    with pytest.raises(CalendarNotCovered):
        submit(sms_code=sms_code)
    assert not User.objects.exists()
    assert VerificationCode.objects.get().state == VerificationCode.State.ACTIVE
