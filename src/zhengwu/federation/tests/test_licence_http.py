"""The HTTP adapter of the e-licence login-session service, against recorded answers served by
a local ``ThreadingHTTPServer`` (nothing leaves the machine)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhengwu.federation.errors import FederationProviderError, SignInFailed
from zhengwu.federation.providers.base import ScanStatus
from zhengwu.federation.providers.licence_http import HttpLicenceScanProvider

TOKEN = "licence-secret-token"
ID_NUMBER = "11010519491231002X"


class Platform:
    """Answers queued per path; keeps what it received."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def platform(settings) -> Iterator[Platform]:
    state = Platform()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "auth": self.headers.get("Authorization"),
                    "body": self.rfile.read(length),
                }
            )
            status, body = state.answers.get(self.path, (404, b"{}"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_URL = f"http://127.0.0.1:{server.server_port}/api/"
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_TOKEN = TOKEN
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_TIMEOUT = 2
    yield state
    server.shutdown()
    server.server_close()


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_start_scan_posts_with_the_token(platform):
    platform.answers["/api/login-sessions"] = (
        200,
        _json(
            {
                "token": "s1",
                "qr_payload": "https://el.example/q/s1",
                "expires_at": "2030-01-01T10:00:00+08:00",
            }
        ),
    )
    session = HttpLicenceScanProvider().start_scan()
    assert session.token == "s1" and session.qr_payload == "https://el.example/q/s1"
    assert session.expires_at.utcoffset() is not None
    assert platform.requests[0]["method"] == "POST"
    assert platform.requests[0]["auth"] == f"Bearer {TOKEN}"


def test_confirmed_session_gives_the_legal_representative(platform):
    platform.answers["/api/login-sessions/s1"] = (
        200,
        _json(
            {
                "status": "confirmed",
                "uscc": "91330106ma2b3c4d5e",
                "enterprise_name": "杭州某公司",
                "legal_rep": {
                    "name": "张三",
                    "id_type": "resident_id",
                    "id_number": ID_NUMBER.lower(),
                },
            }
        ),
    )
    result = HttpLicenceScanProvider().get_result("s1")
    assert result.status == ScanStatus.CONFIRMED
    assert result.identity.uscc == "91330106MA2B3C4D5E"
    assert result.identity.id_number == ID_NUMBER


@pytest.mark.parametrize("status", ["pending", "cancelled", "expired"])
def test_open_and_closed_states(platform, status):
    platform.answers["/api/login-sessions/s1"] = (200, _json({"status": status}))
    result = HttpLicenceScanProvider().get_result("s1")
    assert result.status == status and result.identity is None


def test_unknown_session(platform):
    with pytest.raises(SignInFailed) as caught:
        HttpLicenceScanProvider().get_result("nope")
    assert caught.value.code == "federation.licence.unknown"


@pytest.mark.parametrize(
    ("status", "body", "permanent"),
    [
        (401, b"{}", True),
        (403, b"{}", True),
        (400, _json({"code": "BAD_REQUEST"}), True),
        (429, b"{}", False),
        (503, b"{}", False),
        (200, b"<html>502</html>", False),
        (200, _json({"status": "confirmed"}), False),  # confirmed without the licence data
        (200, _json({"status": "weird"}), False),
    ],
)
def test_errors_are_mapped(platform, status, body, permanent):
    platform.answers["/api/login-sessions/s1"] = (status, body)
    with pytest.raises(FederationProviderError) as caught:
        HttpLicenceScanProvider().get_result("s1")
    assert caught.value.permanent is permanent


def test_connection_refused_is_transient(settings):
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_URL = "http://127.0.0.1:9/api"
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_TOKEN = TOKEN
    with pytest.raises(FederationProviderError) as caught:
        HttpLicenceScanProvider().start_scan()
    assert caught.value.permanent is False and caught.value.provider_code == "NETWORK"


def test_missing_configuration_is_named(settings):
    settings.ZHENGWU_FEDERATION_LICENCE_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured, match="ZHENGWU_FEDERATION_LICENCE_HTTP_URL"):
        HttpLicenceScanProvider().start_scan()
