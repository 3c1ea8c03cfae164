"""REG-10 through the JSON API: form → face → submit → status with the link; errors carry
``{code, message, field}``; the public result query."""

import pytest

from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory, agent_files

pytestmark = pytest.mark.django_db
URL = "/api/v1/registrations/agent/"


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def payload(entity, **overrides):
    data = {
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "legal_rep_mobile": "13957100011",
        "username": "api_agent",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agent_name": "钱测试通过",
        "agent_id_type": "resident_id",
        "agent_id_number": resident_id(778),
        "mobile": "13957100012",
        "sms_code": "",
        "agreement_accepted": "true",
        "captcha_key": "x",
        "captcha": "PASSED",
        **agent_files(),
    }
    return {**data, **overrides}


def test_the_agent_path_through_the_api(client, entity, send_code):
    data = payload(entity)
    data["sms_code"] = send_code(data["mobile"])
    response = client.post(URL, data)
    assert response.status_code == 201, response.content
    app_id = response.json()["application_id"]
    assert response.json()["status"] == "draft"
    assert response.json()["legal_rep_mobile"] == "139****0011"
    assert client.post(f"{URL}{app_id}/face-check").status_code == 200
    assert client.get(f"{URL}{app_id}/face-check").json()["status"] == "passed"
    response = client.post(f"{URL}{app_id}/submit")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "signing" and "/register/agent/sign/" in body["sign_link"]
    assert client.get(f"{URL}{app_id}").json()["sign_link"] == body["sign_link"]
    response = client.post(f"{URL}{app_id}/resend")
    assert response.json()["sign_link"] != body["sign_link"]


def test_non_resident_id_error_contract(client, entity):
    response = client.post(URL, payload(entity, legal_rep_id_type="passport"))
    assert response.status_code == 400
    assert response.json()["code"] == "registration.manual_channel"
    assert response.json()["field"] == "legal_rep_id_type"


def test_unknown_application_is_404(client):
    response = client.get(f"{URL}00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "agent_registration.not_found"


def test_result_query(client):
    case = AgentRegistrationFactory(pending=True, agent_mobile="13957100013")
    response = client.post(
        f"{URL}result",
        {"key": case.uscc, "mobile": "13957100013"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status_label"] == "待审核"
    response = client.post(
        f"{URL}result", {"key": case.uscc, "mobile": "13957100099"}, content_type="application/json"
    )
    assert response.status_code == 404
