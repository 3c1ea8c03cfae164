"""The sandbox pages: the SMS "phone", the face-check "app", and their absence in production."""

import importlib
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve
from django.utils import timezone

from zhengwu.integrations.identity import FaceCheckRequest, FaceCheckStatus
from zhengwu.integrations.identity.sandbox import SandboxIdentityProvider
from zhengwu.integrations.models import SandboxFaceCheck
from zhengwu.integrations.sms import SmsRequest
from zhengwu.integrations.sms.sandbox import SandboxSmsGateway

pytestmark = pytest.mark.django_db

provider = SandboxIdentityProvider()


def _start(name="张三"):
    return provider.start_check(
        FaceCheckRequest(
            name=name, id_type="resident_id", id_number="330102199001011234", purpose="registration"
        )
    )


def _sms(mobile, text, reference):
    SandboxSmsGateway().send(SmsRequest(mobile=mobile, text=text, reference=reference))


def test_sms_page_lists_messages_newest_first_with_masked_mobiles(client):
    """/sandbox/sms/ shows every message, newest first, the mobile masked, the text in full."""
    _sms("13812345678", "【政务服务网】第一条", "r1")
    _sms("13987654321", "【政务服务网】第二条", "r2")
    response = client.get("/sandbox/sms/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in body and "13812345678" not in body
    assert body.index("第二条") < body.index("第一条")
    assert 'hx-trigger="every 3s"' in body


def test_sms_page_filters_by_mobile_and_serves_rows_to_htmx(client):
    """?mobile= narrows the list (any input form); an htmx request gets only the rows."""
    _sms("13812345678", "【政务服务网】给张三", "r1")
    _sms("13987654321", "【政务服务网】给李四", "r2")
    response = client.get(
        "/sandbox/sms/", {"mobile": "+86 138-1234-5678"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "给张三" in body and "给李四" not in body
    assert "<html" not in body


def test_identity_page_lists_pending_checks_masked(client):
    """/sandbox/identity/ shows pending checks with masked name and ID and the two buttons."""
    _start()
    body = client.get("/sandbox/identity/").content.decode()
    assert "张*" in body and "330***********1234" in body
    assert "330102199001011234" not in body
    assert "通过" in body and "不通过" in body and "<svg" in body
    assert "注册实名认证" in body


def test_pass_button_decides_the_check(client):
    """POST decision=pass from the list passes the check and redirects back to the list."""
    session = _start()
    response = client.post(
        f"/sandbox/identity/{session.token}/decide",
        {"decision": "pass", "next": "/sandbox/identity/"},
    )
    assert response.status_code == 302 and response["Location"] == "/sandbox/identity/"
    assert provider.get_result(session.token).status == FaceCheckStatus.PASSED


def test_fail_button_with_reason_over_htmx_returns_the_row(client):
    """An htmx POST decision=fail with a reason fails the check and returns the updated row."""
    session = _start()
    response = client.post(
        f"/sandbox/identity/{session.token}/decide",
        {"decision": "fail", "reason": "非本人操作"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "非本人操作" in response.content.decode()
    result = provider.get_result(session.token)
    assert (result.status, result.reason) == ("failed", "非本人操作")


def test_buttons_require_csrf():
    """The decision is a POST protected by CSRF like every other form."""
    session = _start()
    response = Client(enforce_csrf_checks=True).post(
        f"/sandbox/identity/{session.token}/decide", {"decision": "pass"}
    )
    assert response.status_code == 403
    assert provider.get_result(session.token).status == FaceCheckStatus.PENDING


def test_decision_must_be_pass_or_fail(client):
    """Anything but pass/fail is a bad request and decides nothing."""
    session = _start()
    response = client.post(f"/sandbox/identity/{session.token}/decide", {"decision": "maybe"})
    assert response.status_code == 400
    assert client.get(f"/sandbox/identity/{session.token}/decide").status_code == 405


def test_phone_page_and_expired_check(client, time_machine):
    """The QR's phone page shows the buttons; after expiry a click is refused with 409."""
    time_machine.move_to(timezone.now(), tick=False)
    session = _start()
    page = client.get(f"/sandbox/identity/{session.token}/").content.decode()
    assert 'value="pass"' in page and "张*" in page
    time_machine.shift(timedelta(minutes=10))
    response = client.post(f"/sandbox/identity/{session.token}/decide", {"decision": "pass"})
    assert response.status_code == 409
    assert "已过期" in response.content.decode()
    assert SandboxFaceCheck.objects.get().status == "expired"
    assert 'value="pass"' not in client.get(f"/sandbox/identity/{session.token}/").content.decode()


def test_status_endpoint_for_waiting_pages(client):
    """/sandbox/identity/<token>/status answers JSON that follows the decision."""
    session = _start()
    url = f"/sandbox/identity/{session.token}/status"
    assert client.get(url).json()["status"] == "pending"
    assert 590 <= client.get(url).json()["seconds_left"] <= 600
    client.post(f"/sandbox/identity/{session.token}/decide", {"decision": "pass"})
    assert client.get(url).json() | {"expires_at": None} == {
        "status": "passed",
        "reason": "",
        "seconds_left": 0,
        "expires_at": None,
    }
    assert client.get("/sandbox/identity/unknown/status").status_code == 404


def test_unknown_check_pages_are_404(client):
    """Unknown tokens: the phone page and the buttons answer 404."""
    assert client.get("/sandbox/identity/unknown/").status_code == 404
    assert client.post("/sandbox/identity/unknown/decide", {"decision": "pass"}).status_code == 404


def test_views_refuse_when_sandbox_is_off(client):
    """Even if mounted, every sandbox view answers 404 once ZHENGWU_SANDBOX is off."""
    session = _start()
    with override_settings(ZHENGWU_SANDBOX=False):
        assert client.get("/sandbox/sms/").status_code == 404
        assert client.get("/sandbox/identity/").status_code == 404
        response = client.post(f"/sandbox/identity/{session.token}/decide", {"decision": "pass"})
        assert response.status_code == 404
    assert provider.get_result(session.token).status == FaceCheckStatus.PENDING


def test_urls_have_no_sandbox_routes_when_sandbox_is_off(client):
    """zhengwu.urls built with ZHENGWU_SANDBOX=False mounts no /sandbox/ route at all."""
    import zhengwu.urls

    try:
        with override_settings(ZHENGWU_SANDBOX=False):
            importlib.reload(zhengwu.urls)
            clear_url_caches()
            for path in ("/sandbox/sms/", "/sandbox/identity/", "/sandbox/identity/x/status"):
                with pytest.raises(Resolver404):
                    resolve(path)
            assert client.get("/sandbox/sms/").status_code == 404
    finally:
        importlib.reload(zhengwu.urls)
        clear_url_caches()
    assert resolve("/sandbox/sms/").url_name == "sms"


def test_sms_page_lists_the_failure_numbers(client):
    """/sandbox/sms/ names every failure suffix of the sandbox gateway and what it does, so no
    tester waits for a code that the sandbox will never deliver."""
    from zhengwu.integrations.sms.sandbox import FAILURE_SUFFIXES

    body = client.get("/sandbox/sms/").content.decode()
    for suffix, outcome in FAILURE_SUFFIXES.items():
        assert f"…{suffix}" in body
        assert str(outcome) in body
