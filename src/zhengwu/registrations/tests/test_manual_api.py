"""REG-9 manual channel through the JSON API: the same steps as the pages, errors as
{code, message, field} with a 4xx status, multipart JPEG uploads checked by content."""

from __future__ import annotations

import random
import re

import pytest
from django.test import Client

from zhengwu.accounts.models import User
from zhengwu.core.workflow import history
from zhengwu.identifiers import generate
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.manual import reviews
from zhengwu.registrations.manual.constants import ManualStatus
from zhengwu.registrations.models import ManualVerification
from zhengwu.reviews.tests.factories import (
    APPLICANT_PASSWORD,
    jpeg_file,
    make_reviewer,
    manual_data,
)
from zhengwu.uploads.models import PrivateUpload
from zhengwu.uploads.tests.samples import png, uploaded

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registrations/manual"
MOBILE = "13857104321"


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
def sms_code(client, django_capture_on_commit_callbacks):
    """Ask the API for a code and read it from the SMS outbox, as the applicant's phone would."""

    def run(mobile=MOBILE):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"{BASE}/sms-code", {"mobile": mobile}, content_type="application/json"
            )
        assert response.status_code == 204, response.content
        text = SmsMessage.objects.filter(template_code="verification_code.registration").latest(
            "pk"
        )
        return re.search(r"验证码(\d{6})", text.text).group(1)

    return run


def form(code="", **overrides):
    data = {
        **manual_data(),
        "mobile": MOBILE,
        "username": "pujiang_api",
        "password": APPLICANT_PASSWORD,
        "password_confirm": APPLICANT_PASSWORD,
        "sms_code": code,
        "captcha_key": "any",
        "captcha": "PASSED",
        "agreement_accepted": "true",
    }
    return {**data, **overrides}


def files(**overrides):
    return {
        "licence_page": jpeg_file("licence.jpg"),
        "id_document": jpeg_file("id.jpg"),
        **overrides,
    }


def post_submission(client, data, uploads, django_capture_on_commit_callbacks):
    body = {k: v for k, v in {**data, **uploads}.items() if v is not None}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"{BASE}/", body)  # multipart/form-data


def assert_nothing_saved():
    assert not ManualVerification.objects.exists()
    assert not User.objects.filter(username="pujiang_api").exists()
    assert not PrivateUpload.objects.exists()


def test_submission_through_the_api(client, sms_code, django_capture_on_commit_callbacks):
    """201 with the case (待审核, reference, working-day deadline, masked operator, the two
    uploads as private URLs); the account exists and the 已受理 SMS is sent."""
    response = post_submission(
        client, form(sms_code()), files(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["status_label"] == "待审核"
    assert body["reference"].startswith("RG") and body["submission_count"] == 1
    assert body["operator_name_masked"] != "赵一鸣" and "****" in body["mobile_masked"]
    assert sorted(u["kind"] for u in body["uploads"]) == ["id_document", "licence_page"]
    assert all(u["url"].startswith("/uploads/") for u in body["uploads"])
    case = ManualVerification.objects.get(reference=body["reference"])
    assert case.user.username == "pujiang_api" and case.user.check_password(APPLICANT_PASSWORD)
    assert SmsMessage.objects.filter(template_code="manual_review.received").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"applicant_kind": ""}, "applicant_kind", "applicant_kind.empty"),
        ({"location": ""}, "location", "location.empty"),
        ({"legal_person_type": ""}, "legal_person_type", "legal_person_type.empty"),
        ({"organisation_name": " "}, "organisation_name", "organisation_name.empty"),
        (
            {"location": "outside_mainland"},
            "organisation_name_en",
            "organisation_name_en.empty",
        ),
        ({"has_code_certificate": ""}, "has_code_certificate", "has_code_certificate.empty"),
        ({"unit_code": "913100009141777691"}, "unit_code", None),
        (
            {"applicant_kind": "temporary_project", "has_code_certificate": "no", "unit_code": ""},
            "project_code",
            "project_code.empty",
        ),
        ({"operator_name": ""}, "operator_name", "operator_name.empty"),
        ({"operator_id_type": ""}, "operator_id_type", "id_type.empty"),
        ({"operator_id_number": "310101199003071231"}, "operator_id_number", None),
        ({"email": "not-an-address"}, "email", "email.invalid"),
        ({"username": "ab"}, "username", None),
        ({"password": "password", "password_confirm": "password"}, "password", None),
        ({"password_confirm": "Other#2026pass"}, "password_confirm", None),
        ({"mobile": "1385710432"}, "mobile", None),
        ({"sms_code": ""}, "sms_code", "sms_code.empty"),
        ({"captcha": "WRONG"}, "captcha", "captcha.wrong"),
        ({"agreement_accepted": "false"}, "agreement", "agreement.required"),
        ({"agreement_accepted": "maybe"}, "agreement", "agreement.required"),
    ],
)
def test_each_wrong_field_is_named(
    client, django_capture_on_commit_callbacks, overrides, field, code
):
    """REG-9: 400 naming the field, a Chinese message, nothing saved."""
    response = post_submission(
        client, form("123456", **overrides), files(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["field"] == field
    if code:
        assert body["code"] == code
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert_nothing_saved()


def test_project_case_needs_the_ethnicity(client, django_capture_on_commit_callbacks):
    """REG-9 project case (临时项目工程): with a valid 工程编码, the operator's ethnicity is
    required and named."""
    data = form(
        "123456",
        applicant_kind="temporary_project",
        has_code_certificate="no",
        unit_code="",
        project_code=generate.project_code(random.Random(9)),
    )
    uploads = files(licence_page=None, stamped_proof=jpeg_file("proof.jpg"))
    response = post_submission(client, data, uploads, django_capture_on_commit_callbacks)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == "operator_ethnicity"
    assert response.json()["code"] == "operator_ethnicity.empty"
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("uploads", "field"),
    [
        ({"id_document": None}, "id_document"),
        ({"licence_page": None}, "licence_page"),
    ],
)
def test_a_missing_upload_is_named(client, django_capture_on_commit_callbacks, uploads, field):
    response = post_submission(
        client, form("123456"), files(**uploads), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["code"] == "upload.missing"
    assert_nothing_saved()


def test_a_renamed_png_is_refused_without_spending_the_sms_code(
    client, sms_code, django_capture_on_commit_callbacks
):
    """A PNG named .jpg and sent as image/jpeg is refused by content on its field; the SMS
    code still works for the corrected submission."""
    code = sms_code()
    fake = uploaded(png(), name="营业执照.jpg", content_type="image/jpeg")
    response = post_submission(
        client, form(code), files(licence_page=fake), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "upload.not_jpeg",
        "message": "单位证照信息页须为 JPG 格式的图片",
        "field": "licence_page",
    }
    assert_nothing_saved()
    again = post_submission(client, form(code), files(), django_capture_on_commit_callbacks)
    assert again.status_code == 201, again.json()


def test_an_oversized_upload_is_refused(client, settings, django_capture_on_commit_callbacks):
    """ZHENGWU_UPLOAD_MAX_BYTES: the file over the limit is named, with the limit."""
    normal = jpeg_file("licence.jpg")
    big = jpeg_file("id.jpg", width=1600, height=1200)
    assert big.size > normal.size
    settings.ZHENGWU_UPLOAD_MAX_BYTES = normal.size + 1
    response = post_submission(
        client, form("123456"), files(id_document=big), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload.too_large" and body["field"] == "id_document"
    assert "文件大小不能超过" in body["message"]
    assert_nothing_saved()


def test_rejection_then_resubmission(client, sms_code, django_capture_on_commit_callbacks):
    """The applicant signs in, reads 不通过 with the reason, must upload the named material
    again, and 重新提交 puts the case back to 待审核 with a new deadline."""
    created = post_submission(client, form(sms_code()), files(), django_capture_on_commit_callbacks)
    case = ManualVerification.objects.get(reference=created.json()["reference"])
    with django_capture_on_commit_callbacks(execute=True):
        reviews.manual_verification_reject(
            case=case, actor=make_reviewer(), reason_code="licence_unclear", reason_text="看不清"
        )
    applicant = Client()
    assert applicant.get(f"{BASE}/status").status_code == 401
    applicant.force_login(case.user)
    status = applicant.get(f"{BASE}/status").json()
    assert status["status"] == "rejected" and "看不清" in status["reason"]
    assert status["reupload_kinds"] == ["licence_page"]

    info = manual_data(organisation_name="上海浦江贸易有限公司（更正）")
    missing = applicant.post(f"{BASE}/resubmit", info)
    assert missing.status_code == 400
    assert missing.json()["code"] == "upload.reupload_required"
    assert missing.json()["field"] == "licence_page"

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            f"{BASE}/resubmit", {**info, "licence_page": jpeg_file("new-licence.jpg")}
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["submission_count"] == 2
    assert body["organisation_name"] == "上海浦江贸易有限公司（更正）"
    assert [(t.from_state, t.to_state) for t in history(case).order_by("at", "pk")][-1] == (
        ManualStatus.REJECTED,
        ManualStatus.PENDING,
    )
    again = applicant.post(f"{BASE}/resubmit", {**info, "licence_page": jpeg_file()})
    assert again.status_code == 409  # pending: nothing to resubmit


def test_resubmission_needs_the_csrf_token(client, sms_code, django_capture_on_commit_callbacks):
    """The session cookie alone cannot resubmit (CSRF), and another account has no case."""
    created = post_submission(client, form(sms_code()), files(), django_capture_on_commit_callbacks)
    case = ManualVerification.objects.get(reference=created.json()["reference"])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(case.user)
    response = strict.post(f"{BASE}/resubmit", manual_data())
    assert response.status_code == 403 and response.json()["code"] == "csrf.failed"
    other = Client()
    other.force_login(User.objects.create_user(username="someone_else", password="x"))
    assert other.get(f"{BASE}/status").json()["code"] == "manual_verification.not_found"


@pytest.mark.parametrize("body", [{"mobile": "1385710432"}, {"mobile": ""}, {}])
def test_sms_code_for_a_wrong_mobile_names_the_field(client, body):
    response = client.post(f"{BASE}/sms-code", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "mobile"
    assert not SmsMessage.objects.exists()


def test_openapi_lists_the_manual_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/", "/sms-code", "/status", "/resubmit"):
        assert f"{BASE}{path}" in paths
    submit = paths[f"{BASE}/"]["post"]
    assert "multipart/form-data" in submit["requestBody"]["content"]
    schema = submit["requestBody"]["content"]["multipart/form-data"]["schema"]
    text = str(schema)
    assert "licence_page" in text and "unit_code" in text
