"""The HTTP adapters of the unified SMS platform and real-name service, against recorded answers.

A local ``ThreadingHTTPServer`` on 127.0.0.1 plays the platform: it answers what a test tells
it to (the recorded responses below) and keeps every request it received, so tests assert what
the adapter sent. Nothing here leaves the machine.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from zhengwu.core.checks import check_no_sandbox_in_production
from zhengwu.integrations.identity.base import FaceCheckRequest, FaceCheckStatus, IdentityError
from zhengwu.integrations.identity.http import HttpIdentityProvider
from zhengwu.integrations.sms.base import SmsError, SmsRequest
from zhengwu.integrations.sms.http import HttpSmsGateway

SMS_TOKEN = "sms-secret-token"
IDENTITY_TOKEN = "idv-secret-token"
ID_NUMBER = "11010519491231002X"
NAME = "张三丰"
SHORT_TIMEOUT = 0.3

# --- recorded platform answers ------------------------------------------------------------


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


SMS_OK = _json({"code": "OK", "message": "成功", "message_id": "m-20240501-0001"})
MALFORMED = b"<html><body>502 Bad Gateway</body></html>"


def _sms_error(code: str) -> bytes:
    return _json({"code": code, "message": "失败", "message_id": ""})


def _check_started(expires_at: str = "2030-05-01T10:10:00+08:00") -> bytes:
    return _json(
        {"token": "chk-abc123", "qr_payload": "https://idv.example/q/abc", "expires_at": expires_at}
    )


# --- the fake platform --------------------------------------------------------------------


@dataclass
class _Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class _Answer:
    status: int = 200
    body: bytes = b"{}"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakePlatform:
    """The platform's answer to every request (``reply``) and the requests it received."""

    def __init__(self) -> None:
        self.answer = _Answer()
        self.requests: list[_Recorded] = []
        self.released = threading.Event()  # ends a slow answer early at tear-down
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                platform.requests.append(
                    _Recorded(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        self.rfile.read(length) if length else b"",
                    )
                )
                answer = platform.answer
                if answer.delay:
                    platform.released.wait(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:  # the adapter timed out and hung up
                    pass

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # no console noise
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def reply(
        self,
        body: bytes,
        status: int = 200,
        *,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.answer = _Answer(status, body, delay, headers or {})


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    # A proxy from the environment would send the requests off the machine.
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    fake = FakePlatform()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.released.set()
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture(autouse=True)
def _no_config_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The adapters fall back to the environment; the tests configure them by settings only.
    for name in (
        "ZHENGWU_SMS_HTTP_URL",
        "ZHENGWU_SMS_HTTP_TOKEN",
        "ZHENGWU_SMS_HTTP_TIMEOUT",
        "ZHENGWU_IDENTITY_HTTP_URL",
        "ZHENGWU_IDENTITY_HTTP_TOKEN",
        "ZHENGWU_IDENTITY_HTTP_TIMEOUT",
        "ZHENGWU_IDENTITY_HTTP_CALLBACK_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sms(platform: FakePlatform) -> Iterator[HttpSmsGateway]:
    with override_settings(
        ZHENGWU_SMS_HTTP_URL=platform.url + "/api/sms/send",
        ZHENGWU_SMS_HTTP_TOKEN=SMS_TOKEN,
        ZHENGWU_SMS_HTTP_TIMEOUT=SHORT_TIMEOUT,
    ):
        yield HttpSmsGateway()


@pytest.fixture
def identity(platform: FakePlatform) -> Iterator[HttpIdentityProvider]:
    with override_settings(
        ZHENGWU_IDENTITY_HTTP_URL=platform.url + "/api/",
        ZHENGWU_IDENTITY_HTTP_TOKEN=IDENTITY_TOKEN,
        ZHENGWU_IDENTITY_HTTP_TIMEOUT=SHORT_TIMEOUT,
    ):
        yield HttpIdentityProvider()


def _sms_request() -> SmsRequest:
    return SmsRequest(
        mobile="13812345678",
        text="【政务服务网】您的验证码为 123456",
        reference="sms-42",
        template_code="account.verify",
    )


def _check_request() -> FaceCheckRequest:
    return FaceCheckRequest(
        name=NAME,
        id_type="resident_id",
        id_number=ID_NUMBER,
        purpose="registration",
        subject="registrations.application:7",
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- SMS ----------------------------------------------------------------------------------


def test_sms_accepted_returns_the_platform_message_id(sms, platform):
    """2xx with code OK is a receipt carrying the platform's message_id and an aware time."""
    platform.reply(SMS_OK)
    receipt = sms.send(_sms_request())
    assert receipt.provider_message_id == "m-20240501-0001"
    assert receipt.accepted_at.tzinfo is not None


def test_sms_request_is_a_bearer_json_post_with_out_id(sms, platform):
    """The adapter POSTs the documented JSON with the reference as out_id and the Bearer token."""
    platform.reply(SMS_OK)
    sms.send(_sms_request())
    (sent,) = platform.requests
    assert (sent.method, sent.path) == ("POST", "/api/sms/send")
    assert sent.headers["authorization"] == f"Bearer {SMS_TOKEN}"
    assert sent.headers["content-type"].startswith("application/json")
    assert sent.json() == {
        "mobile": "13812345678",
        "content": "【政务服务网】您的验证码为 123456",
        "out_id": "sms-42",
        "idempotency_key": "sms-42",
        "template_code": "account.verify",
    }


def test_sms_request_carries_the_outbox_id_as_idempotency_key(sms, platform):
    """The same message sent twice (a resend after a dead worker) carries the same key."""
    platform.reply(SMS_OK)
    platform.reply(SMS_OK)
    sms.send(_sms_request())
    sms.send(_sms_request())
    first, second = platform.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == "sms-42"
    assert first.json()["idempotency_key"] == "sms-42"


@pytest.mark.parametrize(
    "code",
    [
        "EMPTY_NUMBER",
        "BLACKLISTED",
        "INVALID_MOBILE",
        "TEMPLATE_NOT_APPROVED",
        "SIGNATURE_NOT_APPROVED",
    ],
)
def test_sms_documented_permanent_codes_are_permanent(sms, platform, code):
    """Each documented permanent code is SmsError(permanent=True) keeping the code."""
    platform.reply(_sms_error(code))
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert exc.value.permanent is True
    assert exc.value.provider_code == code


def test_sms_http_400_is_permanent(sms, platform):
    """HTTP 400 is a refused request: permanent, the platform's code kept when it sends one."""
    platform.reply(_sms_error("INVALID_MOBILE"), status=400)
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (True, "INVALID_MOBILE")


@pytest.mark.parametrize("status", [401, 403])
def test_sms_http_401_and_403_are_permanent_misconfiguration(sms, platform, status):
    """401 / 403 are permanent and the message points at the token configuration."""
    platform.reply(b"", status=status)
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert exc.value.permanent is True
    assert exc.value.provider_code == f"HTTP_{status}"
    assert "ZHENGWU_SMS_HTTP_TOKEN" in exc.value.message
    assert SMS_TOKEN not in exc.value.message


@pytest.mark.parametrize(
    ("status", "body", "provider_code"),
    [
        (200, _sms_error("THROTTLED"), "THROTTLED"),
        (200, _sms_error("SYSTEM_BUSY"), "SYSTEM_BUSY"),
        (429, _sms_error("THROTTLED"), "THROTTLED"),
        (429, b"", "HTTP_429"),
        (500, b"Internal Server Error", "HTTP_500"),
        (503, b"", "HTTP_503"),
        (200, _sms_error("SOMETHING_NEW"), "SOMETHING_NEW"),
    ],
)
def test_sms_throttling_server_errors_and_unknown_codes_are_transient(
    sms, platform, status, body, provider_code
):
    """Throttling, busy, 429, 5xx and undocumented codes are transient: the outbox retries."""
    platform.reply(body, status=status)
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, provider_code)


@pytest.mark.parametrize("body", [MALFORMED, b'["OK"]', _json({"code": "OK", "message": "成功"})])
def test_sms_malformed_answer_is_transient(sms, platform, body):
    """An answer that is not the documented JSON (HTML, a list, no message_id) is transient."""
    platform.reply(body)
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, "BAD_RESPONSE")


def test_sms_slow_answer_times_out_as_transient(sms, platform):
    """An answer slower than ZHENGWU_SMS_HTTP_TIMEOUT is a transient TIMEOUT."""
    platform.reply(SMS_OK, delay=SHORT_TIMEOUT * 10)
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, "TIMEOUT")


def test_sms_connection_refused_is_transient(platform):
    """Nobody listening on the platform's port is a transient NETWORK error."""
    with (
        override_settings(
            ZHENGWU_SMS_HTTP_URL=f"http://127.0.0.1:{_closed_port()}/api",
            ZHENGWU_SMS_HTTP_TOKEN=SMS_TOKEN,
        ),
        pytest.raises(SmsError) as exc,
    ):
        HttpSmsGateway().send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, "NETWORK")


def test_sms_redirect_is_not_followed(sms, platform):
    """A redirect is not followed (the token is not re-sent elsewhere): one request, transient."""
    platform.reply(b"", status=302, headers={"Location": "http://127.0.0.1:9/steal"})
    with pytest.raises(SmsError) as exc:
        sms.send(_sms_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, "HTTP_302")
    assert len(platform.requests) == 1


def test_sms_failures_do_not_log_the_number_or_text(sms, platform, caplog):
    """The failure log names the reference and code, never the mobile number or the text."""
    platform.reply(_sms_error("EMPTY_NUMBER"))
    with caplog.at_level(logging.DEBUG), pytest.raises(SmsError):
        sms.send(_sms_request())
    assert "sms-42" in caplog.text
    assert "13812345678" not in caplog.text
    assert "123456" not in caplog.text


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"ZHENGWU_SMS_HTTP_TOKEN": SMS_TOKEN}, "ZHENGWU_SMS_HTTP_URL"),
        ({"ZHENGWU_SMS_HTTP_URL": "https://sms.example.gov.cn/api"}, "ZHENGWU_SMS_HTTP_TOKEN"),
        (
            {"ZHENGWU_SMS_HTTP_URL": "file:///etc/passwd", "ZHENGWU_SMS_HTTP_TOKEN": "t"},
            "ZHENGWU_SMS_HTTP_URL",
        ),
        (
            {
                "ZHENGWU_SMS_HTTP_URL": "https://sms.example.gov.cn/api",
                "ZHENGWU_SMS_HTTP_TOKEN": "t",
                "ZHENGWU_SMS_HTTP_TIMEOUT": "soon",
            },
            "ZHENGWU_SMS_HTTP_TIMEOUT",
        ),
    ],
)
def test_sms_missing_or_bad_config_fails_at_construction(overrides, missing):
    """Missing URL / token, a non-http URL or a bad time-out: ImproperlyConfigured naming it."""
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured, match=missing):
        HttpSmsGateway()


def test_sms_config_falls_back_to_the_environment(platform, monkeypatch):
    """Without the Django setting, the environment variable of the same name is used."""
    monkeypatch.setenv("ZHENGWU_SMS_HTTP_URL", platform.url + "/env")
    monkeypatch.setenv("ZHENGWU_SMS_HTTP_TOKEN", "from-env")
    platform.reply(SMS_OK)
    HttpSmsGateway().send(_sms_request())
    (sent,) = platform.requests
    assert (sent.path, sent.headers["authorization"]) == ("/env", "Bearer from-env")


# --- identity -----------------------------------------------------------------------------


def test_identity_start_check_maps_the_session(identity, platform):
    """POST /checks answers token, qr_payload and an ISO 8601 expiry: a FaceCheckSession."""
    platform.reply(_check_started())
    session = identity.start_check(_check_request())
    assert session.token == "chk-abc123"
    assert session.qr_payload == "https://idv.example/q/abc"
    assert session.expires_at == datetime(2030, 5, 1, 2, 10, tzinfo=UTC)


def test_identity_start_check_sends_the_documented_body(identity, platform):
    """The request is a Bearer JSON POST to <url>/checks without a callback when none is set."""
    platform.reply(_check_started())
    identity.start_check(_check_request())
    (sent,) = platform.requests
    assert (sent.method, sent.path) == ("POST", "/api/checks")
    assert sent.headers["authorization"] == f"Bearer {IDENTITY_TOKEN}"
    assert sent.json() == {
        "name": NAME,
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "purpose": "registration",
    }


def test_identity_start_check_sends_the_callback_when_configured(identity, platform):
    """ZHENGWU_IDENTITY_HTTP_CALLBACK_URL is sent as ``callback``."""
    platform.reply(_check_started())
    with override_settings(
        ZHENGWU_IDENTITY_HTTP_CALLBACK_URL="https://portal.example.gov.cn/identity/push"
    ):
        identity.start_check(_check_request())
    assert platform.requests[0].json()["callback"] == "https://portal.example.gov.cn/identity/push"


def test_identity_naive_expiry_is_in_the_portal_time_zone(identity, platform):
    """An expires_at without offset is read in TIME_ZONE (Asia/Shanghai, UTC+8)."""
    platform.reply(_check_started("2030-05-01T10:10:00"))
    session = identity.start_check(_check_request())
    assert session.expires_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("status", "reason"),
    [("pending", ""), ("passed", ""), ("failed", "人脸比对不一致"), ("expired", "")],
)
def test_identity_get_result_maps_each_status(identity, platform, status, reason):
    """GET /checks/<token> maps every documented status, with the reason of a failure."""
    platform.reply(_json({"status": status, "reason": reason}))
    result = identity.get_result("chk-abc123")
    assert (result.status, result.reason) == (FaceCheckStatus(status), reason)
    (sent,) = platform.requests
    assert (sent.method, sent.path) == ("GET", "/api/checks/chk-abc123")
    assert sent.headers["authorization"] == f"Bearer {IDENTITY_TOKEN}"


def test_identity_token_is_quoted_in_the_path(identity, platform):
    """A token cannot walk the API's paths: it is percent-encoded as one path segment."""
    platform.reply(_json({"status": "pending"}))
    identity.get_result("../admin?x=1")
    assert platform.requests[0].path == "/api/checks/..%2Fadmin%3Fx%3D1"


@pytest.mark.parametrize(("status", "body"), [(404, b""), (200, _json({"code": "UNKNOWN_CHECK"}))])
def test_identity_unknown_token_is_permanent_unknown_check(identity, platform, status, body):
    """An unknown token (404 or UNKNOWN_CHECK) is permanent ``identity.unknown_check``."""
    platform.reply(body, status=status)
    with pytest.raises(IdentityError) as exc:
        identity.get_result("chk-gone")
    assert (exc.value.permanent, exc.value.code) == (True, "identity.unknown_check")


@pytest.mark.parametrize(
    ("status", "body", "provider_code"),
    [
        (200, _json({"code": "INVALID_ID_NUMBER", "message": "x"}), "INVALID_ID_NUMBER"),
        (200, _json({"code": "ID_TYPE_NOT_SUPPORTED"}), "ID_TYPE_NOT_SUPPORTED"),
        (400, _json({"code": "INVALID_NAME"}), "INVALID_NAME"),
        (400, b"", "HTTP_400"),
        (401, b"", "HTTP_401"),
        (403, b"", "HTTP_403"),
    ],
)
def test_identity_refusals_are_permanent(identity, platform, status, body, provider_code):
    """Documented refusal codes and HTTP 400/401/403 are IdentityError(permanent=True)."""
    platform.reply(body, status=status)
    with pytest.raises(IdentityError) as exc:
        identity.start_check(_check_request())
    assert (exc.value.permanent, exc.value.provider_code) == (True, provider_code)
    if status in (401, 403):
        assert "ZHENGWU_IDENTITY_HTTP_TOKEN" in exc.value.message


@pytest.mark.parametrize(
    ("status", "body", "provider_code"),
    [
        (200, _json({"code": "THROTTLED"}), "THROTTLED"),
        (200, _json({"code": "SYSTEM_BUSY"}), "SYSTEM_BUSY"),
        (429, b"", "HTTP_429"),
        (500, b"oops", "HTTP_500"),
        (200, MALFORMED, "BAD_RESPONSE"),
        (200, _json({"token": "t", "qr_payload": "q", "expires_at": "tomorrow"}), "BAD_RESPONSE"),
    ],
)
def test_identity_start_check_transient_failures(identity, platform, status, body, provider_code):
    """Throttling, busy, 429, 5xx and malformed answers are IdentityError(permanent=False)."""
    platform.reply(body, status=status)
    with pytest.raises(IdentityError) as exc:
        identity.start_check(_check_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, provider_code)


def test_identity_unknown_result_status_is_transient(identity, platform):
    """A status outside pending/passed/failed/expired is a malformed, transient answer."""
    platform.reply(_json({"status": "maybe"}))
    with pytest.raises(IdentityError) as exc:
        identity.get_result("chk-abc123")
    assert (exc.value.permanent, exc.value.provider_code) == (False, "BAD_RESPONSE")


def test_identity_slow_answer_times_out_as_transient(identity, platform):
    """An answer slower than ZHENGWU_IDENTITY_HTTP_TIMEOUT is a transient TIMEOUT."""
    platform.reply(_json({"status": "passed"}), delay=SHORT_TIMEOUT * 10)
    with pytest.raises(IdentityError) as exc:
        identity.get_result("chk-abc123")
    assert (exc.value.permanent, exc.value.provider_code) == (False, "TIMEOUT")


def test_identity_connection_refused_is_transient(platform):
    """Nobody listening is a transient NETWORK error."""
    with (
        override_settings(
            ZHENGWU_IDENTITY_HTTP_URL=f"http://127.0.0.1:{_closed_port()}/api",
            ZHENGWU_IDENTITY_HTTP_TOKEN=IDENTITY_TOKEN,
        ),
        pytest.raises(IdentityError) as exc,
    ):
        HttpIdentityProvider().start_check(_check_request())
    assert (exc.value.permanent, exc.value.provider_code) == (False, "NETWORK")


def test_identity_failures_never_log_the_id_number_or_name(identity, platform, caplog):
    """Neither the logs nor the error message of a failed check contain the ID number or name."""
    platform.reply(_json({"code": "INVALID_ID_NUMBER", "message": f"{ID_NUMBER} 无效"}))
    with caplog.at_level(logging.DEBUG), pytest.raises(IdentityError) as exc:
        identity.start_check(_check_request())
    assert caplog.records  # the failure was logged
    for text in (caplog.text, exc.value.message, str(exc.value)):
        assert ID_NUMBER not in text
        assert NAME not in text


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"ZHENGWU_IDENTITY_HTTP_TOKEN": "t"}, "ZHENGWU_IDENTITY_HTTP_URL"),
        (
            {"ZHENGWU_IDENTITY_HTTP_URL": "https://idv.example.gov.cn/api"},
            "ZHENGWU_IDENTITY_HTTP_TOKEN",
        ),
        (
            {
                "ZHENGWU_IDENTITY_HTTP_URL": "https://idv.example.gov.cn/api",
                "ZHENGWU_IDENTITY_HTTP_TOKEN": "t",
                "ZHENGWU_IDENTITY_HTTP_TIMEOUT": "0",
            },
            "ZHENGWU_IDENTITY_HTTP_TIMEOUT",
        ),
    ],
)
def test_identity_missing_or_bad_config_fails_at_construction(overrides, missing):
    """Missing URL / token or a bad time-out: ImproperlyConfigured naming the setting."""
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured, match=missing):
        HttpIdentityProvider()


# --- deploy check -------------------------------------------------------------------------


def test_deploy_check_accepts_the_http_adapters():
    """zhengwu.E002 does not flag the HTTP adapters (only dotted paths with ``.sandbox.``)."""
    with override_settings(
        ZHENGWU_SANDBOX=False,
        ZHENGWU_SMS_BACKEND="zhengwu.integrations.sms.http.HttpSmsGateway",
        ZHENGWU_IDENTITY_BACKEND="zhengwu.integrations.identity.http.HttpIdentityProvider",
    ):
        flagged = [
            message.msg
            for message in check_no_sandbox_in_production(None)
            if message.id == "zhengwu.E002"
        ]
    assert not [msg for msg in flagged if "SMS" in msg or "IDENTITY" in msg]
