"""The JSON API of the wizard: the same steps, errors as {code, message, field} with 4xx."""

import pytest

from zhengwu.accounts.models import User

from .conftest import step1_data, step2_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registrations"


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_journey_1_through_the_api(client, entity, send_code, django_capture_on_commit_callbacks):
    """Step 1 → captcha + SMS code → step 2 → face check → active account."""
    response = _post(client, "/", step1_data(entity))
    assert response.status_code == 201, response.json()
    draft_id = response.json()["draft_id"]
    captcha = client.get(f"{BASE}/captcha").json()
    assert captcha["captcha_key"] and "/captcha/image/" in captcha["image_url"]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _post(client, f"/{draft_id}/sms-code", {"mobile": entity.registered_phone}).status_code
            == 204
        )
    import re

    from zhengwu.notifications.models import SmsMessage

    text = SmsMessage.objects.get(template_code="verification_code.registration").text
    code = re.search(r"验证码(\d{6})", text).group(1)
    data = {
        **step2_data(entity),
        "captcha_key": captcha["captcha_key"],
        "captcha": "PASSED",
        "sms_code": code,
    }
    response = _post(client, f"/{draft_id}/user", data)
    assert response.status_code == 200, response.json()
    assert response.json()["step"] == "face"
    face = _post(client, f"/{draft_id}/face-check", {})
    assert face.status_code == 200 and "/sandbox/identity/" in face.json()["qr_payload"]
    status = client.get(f"{BASE}/{draft_id}/face-check").json()
    assert status == {"status": "passed", "reason": "", "step": "done", "outcome": "active"}
    assert User.objects.get(username="hz_company").is_active


def test_step_1_error_names_the_field(client, entity):
    """REG-3 over the API: 400 with code, Chinese message and field."""
    response = _post(client, "/", step1_data(entity, legal_rep_name="张三"))
    assert response.status_code == 400
    assert response.json() == {
        "code": "registry.legal_rep_mismatch",
        "message": "法定代表人信息实名认证失败",
        "field": "legal_rep_name",
    }


def test_wrong_captcha_is_refused(client, entity):
    draft_id = _post(client, "/", step1_data(entity)).json()["draft_id"]
    captcha = client.get(f"{BASE}/captcha").json()
    data = {
        **step2_data(entity),
        "captcha_key": captcha["captcha_key"],
        "captcha": "nope",
        "sms_code": "1",
    }
    response = _post(client, f"/{draft_id}/user", data)
    assert response.status_code == 400 and response.json()["field"] == "captcha"


def test_unknown_draft_is_404(client):
    response = _post(client, "/00000000-0000-4000-8000-000000000000/face-check", {})
    assert response.status_code == 404 and response.json()["code"] == "registration.not_found"


def test_openapi_lists_the_registration_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/registrations/" in paths and "/api/v1/registrations/{draft_id}/user" in paths
