"""REG-9 pages: the REG-3 offer leads to the form; a submission through HTTP; errors beside
the fields."""

import re

import pytest

from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.models import ManualVerification
from zhengwu.reviews.tests.factories import APPLICANT_PASSWORD, jpeg_file, manual_data

pytestmark = pytest.mark.django_db
MOBILE = "13857105678"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def test_the_manual_channel_is_a_form_not_coming_soon(client):
    """REG-3's link /register/manual/ opens the manual channel's form."""
    body = client.get("/register/manual/").content.decode()
    assert "即将开放" not in body
    assert "能否提供带有统一社会信用代码的证照" in body and 'accept="image/jpeg"' in body


def _post(client, **overrides):
    data = {
        **manual_data(),
        "mobile": MOBILE,
        "username": "pujiang_web",
        "password": APPLICANT_PASSWORD,
        "password_confirm": APPLICANT_PASSWORD,
        "captcha_0": "x",
        "captcha_1": "PASSED",
        "agreement": "on",
        "licence_page": jpeg_file("licence.jpg"),
        "id_document": jpeg_file("id.jpg"),
        **overrides,
    }
    return client.post("/register/manual/", data)


def test_submission_through_the_page(client, django_capture_on_commit_callbacks):
    """SMS code from the outbox, submit, the 已提交 page shows the reference; sign in works."""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/register/manual/sms-code", {"mobile": MOBILE}).status_code == 200
    text = SmsMessage.objects.get(template_code__startswith="verification").text
    code = re.search(r"验证码(\d{6})", text).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, sms_code=code)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = ManualVerification.objects.get()
    body = client.get(response["Location"]).content.decode()
    assert case.reference in body and "您的信息已提交" in body
    client.logout()
    assert client.login(username="pujiang_web", password=APPLICANT_PASSWORD)


def test_a_non_jpeg_is_refused_beside_its_field(client):
    """The JPEG check shows beside 单位证照信息页; nothing is created."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("licence.jpg", b"%PDF-1.4 not an image" * 20, "image/jpeg")
    body = _post(client, sms_code="123456", licence_page=fake).content.decode()
    assert "单位证照信息页须为 JPG 格式的图片" in body
    assert not ManualVerification.objects.exists()


def test_the_applicant_sees_the_rejection_reason_and_the_way_to_resubmit(client):
    """REG-9: after 不通过 the status page shows the reason, what to upload again, 重新提交."""
    from zhengwu.reviews.tests.factories import ManualVerificationFactory

    case = ManualVerificationFactory(rejected=True, reason="证照照片不清晰：四角未拍全")
    client.force_login(case.user)
    body = client.get("/register/manual/status/").content.decode()
    assert "证照照片不清晰：四角未拍全" in body and "营业执照/证照页" in body
    assert 'href="/register/manual/resubmit/"' in body


def test_another_users_case_is_not_shown(client):
    """The status page shows the signed-in account's own case only (404 without one)."""
    from zhengwu.accounts.tests.factories import UserFactory
    from zhengwu.reviews.tests.factories import ManualVerificationFactory

    ManualVerificationFactory()
    client.force_login(UserFactory())
    assert client.get("/register/manual/status/").status_code == 404
    assert client.get("/register/manual/resubmit/").status_code == 404
