"""电子营业执照扫码登录 through an HTTP login-session service (the provincial e-licence
platform or its gateway).

Settings (read and checked as described in ``zhengwu.integrations.http``):

==========================================  ====================================================
``ZHENGWU_FEDERATION_LICENCE_HTTP_URL``     required: the API base, e.g.
                                            ``https://elicence.example.gov.cn/api``
``ZHENGWU_FEDERATION_LICENCE_HTTP_TOKEN``   required: sent as ``Authorization: Bearer <token>``
``ZHENGWU_FEDERATION_LICENCE_HTTP_TIMEOUT`` seconds per connect / read, default ``10``
==========================================  ====================================================

The calls:

* ``start_scan``: ``POST <url>/login-sessions`` answers ``{"token", "qr_payload",
  "expires_at"}`` (ISO 8601; without an offset it is taken as the portal's ``TIME_ZONE``);
* ``get_result``: ``GET <url>/login-sessions/<token>`` answers ``{"status": "pending" |
  "confirmed" | "cancelled" | "expired"}`` and, once confirmed, ``"uscc"``,
  ``"enterprise_name"`` and ``"legal_rep": {"name", "id_type", "id_number"}``.

Errors: HTTP 404 (or ``"code": "UNKNOWN_SESSION"``) is ``SignInFailed`` with
``federation.licence.unknown`` as in the sandbox; HTTP 401 / 403 are
``FederationProviderError(permanent=True)`` (a misconfigured token, said so); other 4xx are
permanent too; 408 / 429 / 5xx, time-outs, connection errors, redirects and answers that are
not the documented JSON are transient. The legal representative's ID number is never logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.utils import timezone

from zhengwu.accounts.constants import IdType
from zhengwu.integrations.http import JsonReply, TransportError, call_json, endpoint_config

from ..errors import FederationProviderError, SignInFailed
from .base import FederatedIdentity, LicenceScanProvider, ScanResult, ScanSession, ScanStatus

PREFIX = "ZHENGWU_FEDERATION_LICENCE_HTTP"
SERVICE_LABEL = "电子营业执照服务"


def _transient(provider_code: str, message: str | None = None) -> FederationProviderError:
    return FederationProviderError(
        message or f"{SERVICE_LABEL}暂时无法使用，请稍后再试",
        permanent=False,
        code="federation.licence.unavailable",
        provider_code=provider_code,
    )


class HttpLicenceScanProvider(LicenceScanProvider):
    """The e-licence login-session service over JSON/HTTP."""

    def _call(self, method: str, path: str) -> JsonReply:
        config = endpoint_config(
            PREFIX,
            type(self).__name__,
            "the login-session API base, e.g. https://elicence.example.gov.cn/api",
            strip_trailing_slash=True,
        )
        try:
            reply = call_json(
                config,
                method,
                config.url + path,
                {} if method == "POST" else None,
                service_label=SERVICE_LABEL,
                message_suffix="，请稍后再试",
            )
        except TransportError as exc:
            raise _transient(exc.provider_code, exc.message) from exc
        if reply.status in (401, 403):
            raise FederationProviderError(
                f"{SERVICE_LABEL}拒绝了本网站的凭据，请联系管理员",
                permanent=True,
                code="federation.licence.unauthorised",
                provider_code=f"HTTP_{reply.status}",
            )
        if reply.status == 404 or (reply.data or {}).get("code") == "UNKNOWN_SESSION":
            raise SignInFailed("扫码会话不存在", code="federation.licence.unknown")
        if reply.status in (408, 429) or reply.status >= 500 or 300 <= reply.status < 400:
            raise _transient(f"HTTP_{reply.status}")
        if reply.status >= 400:
            raise FederationProviderError(
                f"{SERVICE_LABEL}不受理该请求",
                permanent=True,
                code="federation.licence.refused",
                provider_code=str((reply.data or {}).get("code") or f"HTTP_{reply.status}"),
            )
        if reply.data is None:
            raise _transient("MALFORMED")
        return reply

    def start_scan(self) -> ScanSession:
        data = self._call("POST", "/login-sessions").data or {}
        try:
            expires_at = datetime.fromisoformat(str(data["expires_at"]))
            token, payload = str(data["token"]), str(data["qr_payload"])
        except (KeyError, ValueError) as exc:
            raise _transient("MALFORMED") from exc
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if not token or not payload:
            raise _transient("MALFORMED")
        return ScanSession(token=token, qr_payload=payload, expires_at=expires_at)

    def get_result(self, token: str) -> ScanResult:
        data: dict[str, Any] = (
            self._call("GET", f"/login-sessions/{quote(token, safe='')}").data or {}
        )
        try:
            status = ScanStatus(str(data.get("status")))
        except ValueError as exc:
            raise _transient("MALFORMED") from exc
        if status != ScanStatus.CONFIRMED:
            return ScanResult(status=status)
        legal_rep = data.get("legal_rep") or {}
        uscc = str(data.get("uscc") or "").strip().upper()
        id_number = str(legal_rep.get("id_number") or "").strip().upper()
        if not uscc or not id_number:
            raise _transient("MALFORMED")
        return ScanResult(
            status=status,
            identity=FederatedIdentity(
                subject=f"licence:{uscc}",
                name=str(legal_rep.get("name") or ""),
                id_type=str(legal_rep.get("id_type") or IdType.RESIDENT_ID),
                id_number=id_number,
                uscc=uscc,
                organisation_name=str(data.get("enterprise_name") or ""),
            ),
        )
