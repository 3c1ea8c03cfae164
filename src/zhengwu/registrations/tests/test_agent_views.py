"""REG-10 pages: the agent's journey through the views (form, face, confirmation, status page
showing the link), the legal representative's link (letter, face, 签署 / 拒签, a dead link), and
the public 法人注册结果 page (both keys needed, no personal data, rate-limited, audited)."""

import re

import pytest

from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.models import AgentRegistration
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory, agent_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def form_data(entity, sms_code, **overrides):
    data = {
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "legal_rep_mobile": "13957100021",
        "username": "page_agent",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agent_name": "钱测试通过",
        "agent_id_type": "resident_id",
        "agent_id_number": resident_id(779),
        "landline": "",
        "mobile": "13957100022",
        "captcha_0": "x",
        "captcha_1": "PASSED",
        "sms_code": sms_code,
        "agreement": "on",
        **agent_files(),
    }
    return {**data, **overrides}


def test_role_choice_page(client):
    body = client.get("/register/legal/").content.decode()
    assert "我是法定代表人" in body and "我是代理人" in body


def test_agent_journey_through_the_pages(
    client, entity, send_code, django_capture_on_commit_callbacks
):
    response = client.post("/register/agent/", form_data(entity, send_code("13957100022")))
    assert response.status_code == 302 and response["Location"] == "/register/agent/face/"
    face = client.get("/register/agent/face/")
    assert face.status_code == 200
    assert "请代理人钱测试通过本人" in face.content.decode()  # the agent sees their own name
    response = client.get("/register/agent/face/status")
    assert response["HX-Redirect"] == "/register/agent/confirm/"
    body = client.get("/register/agent/confirm/").content.decode()
    assert "请确保手机号码为法定代表人本人号码" in body and "139****0021" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/agent/confirm/", {"action": "submit"})
    assert response["Location"] == "/register/agent/status/"
    body = client.get("/register/agent/status/").content.decode()
    application = AgentRegistration.objects.get()
    assert "签名中" in body
    assert f"/register/agent/sign/{application.sign_token}/" in body
    # The link to pass on: shown whole, a copy button (static JS) and a QR code of it.
    link = re.search(r'data-copy="([^"]+)"', body)[1]
    assert link.endswith(f"/register/agent/sign/{application.sign_token}/")
    assert 'id="sign-link"' in body and "<input" not in body.split('class="pass-on"')[1][:400]
    assert '<div class="qr"><svg viewBox=' in body
    letter = client.get("/register/agent/letter.pdf")
    assert letter["Content-Type"] == "application/pdf"

    # The legal representative opens the link (another browser).
    from django.test import Client

    rep = Client()
    token = re.search(
        r"/register/agent/sign/([^/\s]+)/", SmsMessage.objects.order_by("pk").last().text
    )[1]
    body = rep.get(f"/register/agent/sign/{token}/").content.decode()
    assert "授权委托书" in body and application.legal_rep_id_number not in body
    assert rep.get(f"/register/agent/sign/{token}/letter.pdf").status_code == 200
    assert rep.get(f"/register/agent/sign/{token}/face/").status_code == 200
    response = rep.get(f"/register/agent/sign/{token}/face/status")
    assert response["HX-Redirect"] == f"/register/agent/sign/{token}/decide/"
    body = rep.post(f"/register/agent/sign/{token}/decide/", {"action": "sign"}).content.decode()
    assert "签署完成" in body
    application.refresh_from_db()
    assert application.status == AgentStatus.PENDING
    assert rep.get(f"/register/agent/sign/{token}/").status_code == 404  # used: dead
    assert "待审核" in client.get("/register/agent/status/").content.decode()


def test_non_resident_id_is_offered_the_manual_channel(client, entity):
    body = client.post(
        "/register/agent/", form_data(entity, "123456", legal_rep_id_type="passport")
    ).content.decode()
    assert "人工认证渠道" in body and 'href="/register/manual/"' in body
    assert not AgentRegistration.objects.exists()


def test_refuse_from_the_link(client):
    case = AgentRegistrationFactory()
    body = client.post(
        f"/register/agent/sign/{case.sign_token}/decide/", {"action": "refuse"}
    ).content.decode()
    assert "已拒签" in body
    case.refresh_from_db()
    assert case.status == AgentStatus.REFUSED


def test_result_page_needs_both_keys_and_reveals_no_personal_data(client):
    case = AgentRegistrationFactory(rejected=True, agent_mobile="13957100023")
    body = client.post(
        "/register/agent/result/", {"key": case.uscc, "mobile": "13957100023"}
    ).content.decode()
    assert "不通过" in body and case.reason in body and case.reference in body
    for secret in (case.legal_rep_id_number, case.legal_rep_mobile, case.agent_id_number):
        assert secret not in body
    assert case.legal_rep_name not in body and case.agent_name not in body
    wrong = client.post(
        "/register/agent/result/", {"key": case.uscc, "mobile": "13957100029"}
    ).content.decode()
    unknown = client.post(
        "/register/agent/result/", {"key": "91330100MA0000000X", "mobile": "13957100023"}
    ).content.decode()
    assert "未查询到注册申请" in wrong and "未查询到注册申请" in unknown
    assert case.reference not in wrong
    assert AuditEvent.objects.filter(event_type="agent_registration.result_queried").count() == 3
    by_reference = client.post(
        "/register/agent/result/", {"key": case.reference, "mobile": "13957100023"}
    ).content.decode()
    assert case.reference in by_reference


def test_result_page_is_rate_limited(client, settings):
    settings.ZHENGWU_AGENT_RESULT_QUERIES_PER_WINDOW = 2
    for _ in range(2):
        client.post("/register/agent/result/", {"key": "X", "mobile": "13957100024"})
    response = client.post("/register/agent/result/", {"key": "X", "mobile": "13957100024"})
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
