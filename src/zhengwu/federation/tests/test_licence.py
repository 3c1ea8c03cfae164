"""电子营业执照扫码登录 (ACC-6): a one-time QR (decoded with zxing-cpp), the sandbox licence app
confirming as legal representative, the htmx poll signing in; expiry and single use."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
import time_machine
import zxingcpp
from django.test import Client
from django.utils import timezone
from PIL import Image

from zhengwu.accounts.tests.factories import OrganisationFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.federation.models import SandboxLicenceScan, SignInFlow

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _decode_qr(html: str) -> str:
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, html
    image = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


def _start(client: Client) -> str:
    response = client.get("/federation/licence/qr", **HTMX)
    assert response.status_code == 200
    return _decode_qr(response.text)


def _phone_confirm(url: str, organisation, decision="confirm"):
    phone = Client()
    path = url.removeprefix("http://testserver")
    return phone.post(
        path, {"enterprise": organisation.pk if organisation else "", "decision": decision}
    )


def _poll(client: Client):
    return client.get("/federation/licence/status", **HTMX)


def test_qr_decodes_to_the_one_time_session_url(client):
    """The QR image encodes the URL of this sign-in session on the licence app."""
    url = _start(client)
    scan = SandboxLicenceScan.objects.get()
    assert url == f"http://testserver/sandbox/federation/licence-app/{scan.token}/"
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_confirmed_scan_signs_in_the_legal_representative(client, personas):
    """Pending until the legal representative confirms on the phone; then the poll signs in
    the organisation's legal representative account (HX-Redirect) and audits it."""
    url = _start(client)
    assert "等待扫码确认" in _poll(client).text
    before = client.session.session_key
    assert _phone_confirm(url, personas.organisation).status_code == 200
    response = _poll(client)
    assert response.status_code == 204 and response["HX-Redirect"]
    assert client.session["_auth_user_id"] == str(personas.legal_representative.pk)
    assert client.session.session_key != before
    event = AuditEvent.objects.filter(event_type="federation.sign_in").latest("pk")
    assert event.after == {"method": "licence_scan", "result": "success"}


def test_session_is_single_use(client, personas):
    """After the sign-in the session is spent: the phone cannot confirm it again and a second
    poll (or another browser) signs nobody in."""
    url = _start(client)
    _phone_confirm(url, personas.organisation)
    _poll(client)
    client.logout()
    again = _phone_confirm(url, personas.organisation)
    assert again.status_code == 409 and "已使用" in again.text
    assert "请刷新二维码" in _poll(client).text
    assert client.session.get("_auth_user_id") is None
    assert SignInFlow.objects.get().consumed_at is not None


def test_flow_is_consumed_once_even_when_shared(client, personas):
    """Two browsers presenting the same flow (a copied session): exactly one signs in."""
    _start_url = _start(client)
    _phone_confirm(_start_url, personas.organisation)
    other = Client()
    session = other.session
    session["federation_licence_flow"] = client.session["federation_licence_flow"]
    session.save()
    first, second = _poll(client), _poll(other)
    assert first.status_code == 204
    assert second.status_code == 200 and other.session.get("_auth_user_id") is None


def test_scan_expires_after_two_minutes(client, personas, settings):
    """ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS (120 s): then the QR is dead everywhere."""
    assert settings.ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS == 120
    url = _start(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        assert "二维码已过期" in _poll(client).text
        late = _phone_confirm(url, personas.organisation)
        assert late.status_code == 409
    assert client.session.get("_auth_user_id") is None
    assert AuditEvent.objects.filter(after__result="federation.licence.expired").exists()


def test_cancelled_scan(client, personas):
    url = _start(client)
    _phone_confirm(url, None, decision="cancel")
    assert "取消登录" in _poll(client).text
    assert client.session.get("_auth_user_id") is None


def test_enterprise_without_legal_representative_account_is_offered_registration(client):
    """The licence is valid but nobody registered the legal representative's account."""
    organisation = OrganisationFactory()
    url = _start(client)
    _phone_confirm(url, organisation)
    response = _poll(client)
    assert response["HX-Redirect"] == "/federation/no-account/"
    page = client.get("/federation/no-account/")
    assert "未找到对应账号" in page.text and organisation.name in page.text


def test_phone_must_pick_an_enterprise(client):
    url = _start(client)
    response = _phone_confirm(url, None)
    assert response.status_code == 400 and "请选择企业" in response.text


def test_login_methods_fragment_links_every_method(client):
    """The fragment the login page includes offers the three methods."""
    page = client.get("/federation/")
    for label in ("国家政务服务平台账号登录", "电子营业执照扫码登录", "法人数字证书登录"):
        assert label in page.text


def test_api_lists_the_methods(client):
    methods = client.get("/api/v1/federation/methods").json()
    assert [m["method"] for m in methods] == ["national_account", "licence_scan", "certificate"]
    assert methods[0]["start_url"] == "/federation/national/start/"


def test_api_scan_start_needs_csrf(personas):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/federation/licence-scans")
    assert response.status_code == 403 and response.json()["code"] == "csrf.failed"


def test_api_scan_signs_in_once_confirmed(client, personas):
    """A JSON client starts a scan, the phone confirms, the poll signs the session in."""
    started = client.post("/api/v1/federation/licence-scans")
    assert started.status_code == 201
    url = started.json()["qr_payload"]
    assert client.get("/api/v1/federation/licence-scans/current").json() == {
        "status": "pending",
        "signed_in": False,
        "next_url": "",
    }
    _phone_confirm(url, personas.organisation)
    body = client.get("/api/v1/federation/licence-scans/current").json()
    assert body["status"] == "confirmed" and body["signed_in"] is True
    assert client.session["_auth_user_id"] == str(personas.legal_representative.pk)
    again = client.get("/api/v1/federation/licence-scans/current")
    assert again.status_code == 400 and again.json()["code"] == "federation.state"


def test_api_scan_without_legal_representative_account(client):
    organisation = OrganisationFactory()
    url = client.post("/api/v1/federation/licence-scans").json()["qr_payload"]
    _phone_confirm(url, organisation)
    response = client.get("/api/v1/federation/licence-scans/current")
    assert response.status_code == 404 and response.json()["code"] == "federation.no_account"


def test_licence_service_failure_is_shown(client):
    """模拟服务异常 on the phone: the login page says the service is unavailable (audited)."""
    url = _start(client)
    phone = Client()
    phone.post(url.removeprefix("http://testserver"), {"decision": "fault"})
    response = _poll(client)
    assert "暂时无法使用" in response.text and "刷新二维码" in response.text
    assert AuditEvent.objects.filter(after__result="federation.licence.unavailable").exists()
