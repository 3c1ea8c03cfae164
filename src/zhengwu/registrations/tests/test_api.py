"""The JSON API of the wizard: the same steps, errors as {code, message, field} with 4xx."""

import pytest

from zhengwu.accounts.models import User
from zhengwu.registrations.tests.conftest import step1_data, step2_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registrations"


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_journey_1_through_the_api(client, entity, send_code, django_capture_on_commit_callbacks):
    """Step 1 → captcha + SMS code → step 2 → face check → active account."""
    response = _post(client, "/", step1_data(entity))
    assert response.status_code == 201, response.json()
    draft_id, token = response.json()["draft_id"], response.json()["draft_token"]
    captcha = client.get(f"{BASE}/captcha").json()
    assert captcha["captcha_key"] and "/captcha/image/" in captcha["image_url"]
    with django_capture_on_commit_callbacks(execute=True):
        body = {"mobile": entity.registered_phone, "draft_token": token}
        assert _post(client, f"/{draft_id}/sms-code", body).status_code == 204
    import re

    from zhengwu.notifications.models import SmsMessage

    text = SmsMessage.objects.get(template_code="verification_code.registration").text
    code = re.search(r"验证码(\d{6})", text).group(1)
    data = {
        **step2_data(entity),
        "captcha_key": captcha["captcha_key"],
        "captcha": "PASSED",
        "sms_code": code,
        "draft_token": token,
    }
    response = _post(client, f"/{draft_id}/user", data)
    assert response.status_code == 200, response.json()
    assert response.json()["step"] == "face"
    assert response.json()["draft_token"] is None  # the draft has its row now
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
    step1 = _post(client, "/", step1_data(entity)).json()
    draft_id = step1["draft_id"]
    captcha = client.get(f"{BASE}/captcha").json()
    data = {
        **step2_data(entity),
        "captcha_key": captcha["captcha_key"],
        "captcha": "nope",
        "sms_code": "1",
        "draft_token": step1["draft_token"],
    }
    response = _post(client, f"/{draft_id}/user", data)
    assert response.status_code == 400 and response.json()["field"] == "captcha"


def test_unknown_draft_is_404(client):
    response = _post(client, "/00000000-0000-4000-8000-000000000000/face-check", {})
    assert response.status_code == 404 and response.json()["code"] == "registration.not_found"


def test_openapi_lists_the_registration_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/registrations/" in paths and "/api/v1/registrations/{draft_id}/user" in paths


def test_step_2_needs_the_draft_token_of_step_1(client, entity):
    """Decision 0017: until step 2 is submitted the draft lives in its token only. Without
    it, with another draft's, or altered: 404 registration.not_found, nothing written."""
    from zhengwu.registrations.models import RegistrationDraft

    first = _post(client, "/", step1_data(entity)).json()
    second = _post(client, "/", step1_data(entity)).json()
    path = f"/{first['draft_id']}/sms-code"
    token = first["draft_token"]
    altered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for body in (
        {"mobile": entity.registered_phone},
        {"mobile": entity.registered_phone, "draft_token": second["draft_token"]},
        {"mobile": entity.registered_phone, "draft_token": altered},
    ):
        response = _post(client, path, body)
        assert response.status_code == 404, body
        assert response.json()["code"] == "registration.not_found"
    too_long = {"mobile": entity.registered_phone, "draft_token": "x" * 5000}
    assert _post(client, path, too_long).status_code in (400, 422)
    assert not RegistrationDraft.objects.exists()


def test_an_expired_draft_token_is_410(client, entity, time_machine):
    step1 = _post(client, "/", step1_data(entity)).json()
    from datetime import datetime, timedelta

    expires_at = datetime.fromisoformat(step1["expires_at"].replace("Z", "+00:00"))
    time_machine.move_to(expires_at + timedelta(seconds=1))  # the JSON keeps milliseconds
    body = {"mobile": entity.registered_phone, "draft_token": step1["draft_token"]}
    response = _post(client, f"/{step1['draft_id']}/sms-code", body)
    assert response.status_code == 410


def test_step_1_costs_one_register_query_and_one_audit_insert(
    client, entity, django_assert_num_queries
):
    """bench/registration.py's path: one ``verify`` of the register and the audit event,
    nothing else (no draft row, decision 0017; one verdict, decision 0018)."""
    from zhengwu.registrations.tests.factories import MarketEntityFactory

    client.post("/api/v1/registrations/", step1_data(entity), content_type="application/json")
    other = MarketEntityFactory()
    with django_assert_num_queries(2):
        response = client.post(
            "/api/v1/registrations/", step1_data(other), content_type="application/json"
        )
    assert response.status_code == 201
