"""Face checks through a provincial unified real-name service (统一身份认证 / 实人核验).

Settings (read and checked as described in ``zhengwu.integrations.http``):

=======================================  =======================================================
``ZHENGWU_IDENTITY_HTTP_URL``            required: the API base, e.g.
                                         ``https://idv.example.gov.cn/api``
``ZHENGWU_IDENTITY_HTTP_TOKEN``          required: sent as ``Authorization: Bearer <token>``
``ZHENGWU_IDENTITY_HTTP_TIMEOUT``        seconds per connect / read, default ``10``
``ZHENGWU_IDENTITY_HTTP_CALLBACK_URL``   optional: sent as ``callback`` when set (the vendor
                                         pushes there; the push view must call ``get_result``)
=======================================  =======================================================

The calls:

* ``start_check``: ``POST <url>/checks`` with ``{"name", "id_type", "id_number", "purpose",
  "callback"?}`` answers ``{"token", "qr_payload", "expires_at"}`` (ISO 8601; without an offset
  it is taken as the portal's ``TIME_ZONE``);
* ``get_result``: ``GET <url>/checks/<token>`` answers ``{"status": "pending" | "passed" |
  "failed" | "expired", "reason", "decided_at"?}``.

An answer may carry ``{"code", "message"}``; ``code`` absent or ``"OK"`` is success. Errors, as
for the SMS platform: codes in ``PERMANENT_CODES``, HTTP 400 / other 4xx and 401 / 403 (a
misconfigured token, said so) are ``IdentityError(permanent=True)``; an unknown token (HTTP 404
or ``UNKNOWN_CHECK`` on ``get_result``) is ``code="identity.unknown_check"`` as in the sandbox;
``THROTTLED``, ``SYSTEM_BUSY``, unknown codes, HTTP 408 / 429 / 5xx, time-outs, connection
errors, redirects and answers that are not the documented JSON are transient.

The name and ID number go only into the request body: they are never logged, nor put in an
error message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.utils import timezone

from ..http import (
    HttpEndpointConfig,
    JsonReply,
    TransportError,
    call_json,
    endpoint_config,
    setting,
)
from .base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
    IdentityError,
    IdentityProvider,
)

logger = logging.getLogger(__name__)

SERVICE_LABEL = "实名认证服务"
UNKNOWN_CHECK = "identity.unknown_check"

PERMANENT_CODES: dict[str, str] = {
    "INVALID_ID_NUMBER": "证件号码格式错误",
    "ID_TYPE_NOT_SUPPORTED": "不支持该证件类型的实人核验",
    "INVALID_NAME": "姓名格式错误",
    "PURPOSE_NOT_ALLOWED": "实名认证服务不受理该用途",
    "UNKNOWN_CHECK": "人脸识别记录不存在",
}
TRANSIENT_CODES: dict[str, str] = {
    "THROTTLED": "实名认证服务限流，请稍后再试",
    "SYSTEM_BUSY": "实名认证服务繁忙，请稍后再试",
}


# --- configuration -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpIdentityConfig(HttpEndpointConfig):
    # ``url`` is without a trailing slash.
    callback_url: str


def identity_http_config() -> HttpIdentityConfig:
    """The service's settings, checked; ``ImproperlyConfigured`` names what is missing."""
    endpoint = endpoint_config(
        "ZHENGWU_IDENTITY_HTTP",
        "HttpIdentityProvider",
        "the API base of the unified real-name service, e.g. https://idv.example.gov.cn/api",
        strip_trailing_slash=True,
    )
    return HttpIdentityConfig(
        url=endpoint.url,
        token=endpoint.token,
        timeout=endpoint.timeout,
        callback_url=setting("ZHENGWU_IDENTITY_HTTP_CALLBACK_URL"),
    )


# --- HTTP ----------------------------------------------------------------------------------


def _call(
    config: HttpIdentityConfig, method: str, path: str, payload: dict[str, Any] | None = None
) -> JsonReply:
    return call_json(
        config,
        method,
        config.url + path,
        payload,
        service_label=SERVICE_LABEL,
        message_suffix="，请稍后再试",
    )


def _fail(
    operation: str, message: str, permanent: bool, provider_code: str, code: str | None = None
) -> IdentityError:
    logger.warning(
        "Identity service %s failed: %s (%s)",
        operation,
        provider_code,
        "permanent" if permanent else "transient",
    )
    return IdentityError(message, permanent=permanent, provider_code=provider_code, code=code)


def _checked(
    operation: str, reply: JsonReply, *, not_found_is_unknown_check: bool
) -> dict[str, Any]:
    """The JSON object of a successful answer, or the mapped ``IdentityError``."""
    data = reply.data or {}
    vendor_code = str(data.get("code") or "")[:64]
    status = reply.status
    if status in (401, 403):
        raise _fail(
            operation,
            f"实名认证服务拒绝授权（HTTP {status}），请检查 ZHENGWU_IDENTITY_HTTP_TOKEN 等配置",
            True,
            vendor_code or f"HTTP_{status}",
        )
    if status == 404 and not_found_is_unknown_check:
        raise _fail(operation, PERMANENT_CODES["UNKNOWN_CHECK"], True, "HTTP_404", UNKNOWN_CHECK)
    if status in (408, 429) or status >= 500:
        message = TRANSIENT_CODES.get(vendor_code, f"实名认证服务暂不可用（HTTP {status}）")
        raise _fail(operation, message, False, vendor_code or f"HTTP_{status}")
    if 300 <= status < 400:
        raise _fail(operation, f"实名认证服务返回重定向（HTTP {status}）", False, f"HTTP_{status}")
    if status >= 400:
        message = PERMANENT_CODES.get(vendor_code, f"实名认证服务拒绝请求（HTTP {status}）")
        code = UNKNOWN_CHECK if vendor_code == "UNKNOWN_CHECK" else None
        raise _fail(operation, message, True, vendor_code or f"HTTP_{status}", code)
    if reply.data is None:
        raise _fail(operation, "实名认证服务响应格式错误", False, "BAD_RESPONSE")
    if vendor_code in ("", "OK"):
        return reply.data
    if vendor_code in PERMANENT_CODES:
        code = UNKNOWN_CHECK if vendor_code == "UNKNOWN_CHECK" else None
        raise _fail(operation, PERMANENT_CODES[vendor_code], True, vendor_code, code)
    message = TRANSIENT_CODES.get(vendor_code, f"实名认证服务返回未知错误（{vendor_code}）")
    raise _fail(operation, message, False, vendor_code)


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the portal's TIME_ZONE (Asia/Shanghai)
    return moment


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- the provider --------------------------------------------------------------------------


class HttpIdentityProvider(IdentityProvider):
    """Face checks by the unified real-name service; see the module docstring."""

    def __init__(self) -> None:
        # Fail at start-up (``get_provider``) rather than at the first registration.
        identity_http_config()

    def start_check(self, request: FaceCheckRequest) -> FaceCheckSession:
        """``POST /checks``; the session to show as a QR code, or ``IdentityError``."""
        config = identity_http_config()
        payload: dict[str, Any] = {
            "name": request.name,
            "id_type": request.id_type,
            "id_number": request.id_number,
            "purpose": request.purpose,
        }
        if config.callback_url:
            payload["callback"] = config.callback_url
        try:
            reply = _call(config, "POST", "/checks", payload)
        except TransportError as exc:
            raise _fail("start_check", exc.message, False, exc.provider_code) from exc
        data = _checked("start_check", reply, not_found_is_unknown_check=False)
        token, qr_payload = _text(data.get("token")), _text(data.get("qr_payload"))
        expires_at = _datetime(data.get("expires_at"))
        if not token or not qr_payload or expires_at is None:
            raise _fail("start_check", "实名认证服务响应格式错误", False, "BAD_RESPONSE")
        return FaceCheckSession(token=token, qr_payload=qr_payload, expires_at=expires_at)

    def get_result(self, token: str) -> FaceCheckResult:
        """``GET /checks/<token>``; the result so far, or ``IdentityError``."""
        if not token:
            raise IdentityError(
                PERMANENT_CODES["UNKNOWN_CHECK"], permanent=True, code=UNKNOWN_CHECK
            )
        config = identity_http_config()
        try:
            reply = _call(config, "GET", "/checks/" + quote(token, safe=""))
        except TransportError as exc:
            raise _fail("get_result", exc.message, False, exc.provider_code) from exc
        data = _checked("get_result", reply, not_found_is_unknown_check=True)
        try:
            status = FaceCheckStatus(_text(data.get("status")))
        except ValueError:
            raise _fail("get_result", "实名认证服务响应格式错误", False, "BAD_RESPONSE") from None
        reason = _text(data.get("reason"))[:200]
        return FaceCheckResult(
            status=status, reason=reason, decided_at=_datetime(data.get("decided_at"))
        )
