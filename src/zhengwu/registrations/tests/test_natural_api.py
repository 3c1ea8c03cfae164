"""JSON API of 个人注册 (REG-11): the same rules, errors as {code, message, field}."""

import re

import pytest

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registrations/natural"
MOBILE = "13957155555"


def _payload(**overrides):
    data = {
        "id_type": "resident_id",
        "real_name": "钱测试通过",
        "id_number": resident_id(66),
        "valid_from": "2020-01-01",
        "long_term": True,
        "region": "330106",
        "mobile": MOBILE,
        "sms_code": "000000",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agreement_accepted": True,
        "captcha_key": "x",
        "captcha": "PASSED",
    }
    return {**data, **overrides}


def _code(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/sms-code", {"mobile": MOBILE}, content_type="application/json"
        )
    assert response.status_code == 204
    text = SmsMessage.objects.filter(template_code="verification_code.registration").last().text
    return re.search(r"验证码(\d{6})", text).group(1)


def test_errors_name_the_field(client):
    """A wrong number → 400 with code, message and field."""
    response = client.post(BASE + "/", _payload(id_number="123"), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "id_number" and body["message"].startswith("证件号码")


def test_wrong_captcha_is_refused(client):
    """The image captcha is required for API clients too."""
    response = client.post(BASE + "/", _payload(captcha="nope"), content_type="application/json")
    assert response.json()["field"] == "captcha"


def test_regions(client):
    """Provinces → cities → counties; a municipality lists its districts."""
    assert {"code": "33", "name": "浙江省"} in client.get(f"{BASE}/regions").json()
    assert {"code": "3301", "name": "杭州市"} in client.get(f"{BASE}/regions?parent=33").json()
    assert any(a["code"] == "330106" for a in client.get(f"{BASE}/regions?parent=3301").json())
    assert any(a["name"] == "东城区" for a in client.get(f"{BASE}/regions?parent=11").json())


def test_register_end_to_end(client, django_capture_on_commit_callbacks):
    """Form → face check (sandbox passes) → active account."""
    code = _code(client, django_capture_on_commit_callbacks)
    response = client.post(BASE + "/", _payload(sms_code=code), content_type="application/json")
    assert response.status_code == 201, response.json()
    draft_id = response.json()["draft_id"]
    assert client.post(f"{BASE}/{draft_id}/face-check").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        status = client.get(f"{BASE}/{draft_id}/face-check").json()
    assert status["status"] == "passed" and status["outcome"] == "active"
    assert User.objects.get(username=MOBILE).kind == "natural_person"


def test_failed_face_then_review(client, django_capture_on_commit_callbacks):
    """Failed face check → POST review → pending with a deadline; GET shows it."""
    code = _code(client, django_capture_on_commit_callbacks)
    draft_id = client.post(
        BASE + "/",
        _payload(real_name="钱测试不通过", sms_code=code),
        content_type="application/json",
    ).json()["draft_id"]
    client.post(f"{BASE}/{draft_id}/face-check")
    assert client.get(f"{BASE}/{draft_id}/face-check").json()["status"] == "failed"
    response = client.post(f"{BASE}/{draft_id}/review")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert client.get(f"{BASE}/{draft_id}/review").json()["status_label"] == "待审核"


def test_unknown_draft_is_404(client):
    """Unknown draft ids are 404 with a code."""
    response = client.get(f"{BASE}/00000000-0000-0000-0000-000000000000/review")
    assert response.status_code == 404 and response.json()["code"] == "review.not_found"
