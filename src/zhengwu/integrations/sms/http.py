"""SMS through a provincial unified SMS platform (统一短信平台) with a JSON-over-HTTPS API.

Settings (read and checked as described in ``zhengwu.integrations.http``):

=============================  ==================================================================
``ZHENGWU_SMS_HTTP_URL``       required: the send endpoint, e.g. ``https://sms.example.gov.cn/api``
``ZHENGWU_SMS_HTTP_TOKEN``     required: sent as ``Authorization: Bearer <token>``; never logged
``ZHENGWU_SMS_HTTP_TIMEOUT``   seconds per connect / read, default ``10``
=============================  ==================================================================

The call: ``POST <url>`` with ``{"mobile", "content", "out_id", "idempotency_key",
"template_code"}`` and the header ``Idempotency-Key``; ``out_id``, ``idempotency_key`` and the
header all carry ``SmsRequest.idempotency_key`` (``sms-<outbox id>``), so that a retry after a
lost response, or a resend after a worker died mid-send, is not delivered twice: the platform
answers a repeated key with the first result. The answer:
``{"code": "OK" | <error code>, "message", "message_id"}``.

Outcomes:

* 2xx and ``code == "OK"`` with a ``message_id``: an ``SmsReceipt``;
* ``code`` in ``PERMANENT_CODES`` (空号, blacklisted, invalid number, template or signature not
  approved): ``SmsError(permanent=True)``;
* HTTP 400 / other 4xx: permanent; HTTP 401 / 403 are a misconfigured token or an address not
  allowed by the platform, permanent for this message and said so in the message;
* ``THROTTLED``, ``SYSTEM_BUSY``, any other unknown code, HTTP 408 / 429 / 5xx, time-outs,
  connection errors, redirects and answers that are not the documented JSON: transient
  (``permanent=False``; the outbox retries a bounded number of times).

``provider_code`` is the platform's code, or ``HTTP_<status>``, ``TIMEOUT``, ``NETWORK``,
``BAD_RESPONSE``. Logs carry the reference and codes, never the number or the text.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from ..http import HttpEndpointConfig, JsonReply, TransportError, call_json, endpoint_config
from .base import SmsError, SmsGateway, SmsReceipt, SmsRequest

logger = logging.getLogger(__name__)

SERVICE_LABEL = "短信平台"

# Codes the platform documents as "this number / this text will never be delivered".
PERMANENT_CODES: dict[str, str] = {
    "EMPTY_NUMBER": "空号",
    "BLACKLISTED": "号码在短信平台黑名单中",
    "INVALID_MOBILE": "手机号码格式错误",
    "TEMPLATE_NOT_APPROVED": "短信模板未审核通过",
    "SIGNATURE_NOT_APPROVED": "短信签名未审核通过",
}
TRANSIENT_CODES: dict[str, str] = {
    "THROTTLED": "短信平台限流，请稍后重试",
    "SYSTEM_BUSY": "短信平台繁忙，请稍后重试",
}


# --- configuration -------------------------------------------------------------------------

HttpSmsConfig = HttpEndpointConfig


def sms_http_config() -> HttpSmsConfig:
    """The platform's settings, checked; ``ImproperlyConfigured`` names what is missing."""
    return endpoint_config(
        "ZHENGWU_SMS_HTTP",
        "HttpSmsGateway",
        "the send endpoint of the unified SMS platform, e.g. https://sms.example.gov.cn/api",
    )


# --- the gateway ---------------------------------------------------------------------------


class HttpSmsGateway(SmsGateway):
    """Sends through the unified SMS platform; see the module docstring for the mapping."""

    def __init__(self) -> None:
        # Fail at start-up (``get_provider``) rather than at the first message.
        sms_http_config()

    def send(self, request: SmsRequest) -> SmsReceipt:
        """POST the message; return the platform's receipt or raise ``SmsError``."""
        config = sms_http_config()
        payload = {
            "mobile": request.mobile,
            "content": request.text,
            "out_id": request.idempotency_key,
            "idempotency_key": request.idempotency_key,
            "template_code": request.template_code,
        }
        try:
            reply = call_json(
                config,
                "POST",
                config.url,
                payload,
                service_label=SERVICE_LABEL,
                extra_headers={"Idempotency-Key": request.idempotency_key},
            )
        except TransportError as exc:
            raise self._fail(request, exc.message, False, exc.provider_code) from exc
        return self._receipt(request, reply)

    def _receipt(self, request: SmsRequest, reply: JsonReply) -> SmsReceipt:
        data = reply.data or {}
        vendor_code = str(data.get("code") or "")[:64]
        status = reply.status
        if status in (401, 403):
            raise self._fail(
                request,
                f"短信平台拒绝授权（HTTP {status}），请检查 ZHENGWU_SMS_HTTP_TOKEN 等配置",
                True,
                vendor_code or f"HTTP_{status}",
            )
        if status in (408, 429) or status >= 500:
            message = TRANSIENT_CODES.get(vendor_code, f"短信平台暂不可用（HTTP {status}）")
            raise self._fail(request, message, False, vendor_code or f"HTTP_{status}")
        if 300 <= status < 400:
            raise self._fail(
                request, f"短信平台返回重定向（HTTP {status}）", False, f"HTTP_{status}"
            )
        if status >= 400:
            message = PERMANENT_CODES.get(vendor_code, f"短信平台拒绝请求（HTTP {status}）")
            raise self._fail(request, message, True, vendor_code or f"HTTP_{status}")
        if reply.data is None:
            raise self._fail(request, "短信平台响应格式错误", False, "BAD_RESPONSE")
        if vendor_code == "OK":
            message_id = data.get("message_id")
            if not isinstance(message_id, (str, int)) or str(message_id) == "":
                raise self._fail(request, "短信平台响应缺少消息编号", False, "BAD_RESPONSE")
            return SmsReceipt(str(message_id), timezone.now())
        if vendor_code in PERMANENT_CODES:
            raise self._fail(request, PERMANENT_CODES[vendor_code], True, vendor_code)
        if vendor_code in TRANSIENT_CODES:
            raise self._fail(request, TRANSIENT_CODES[vendor_code], False, vendor_code)
        # An undocumented code: retry (bounded by the outbox) rather than drop the message.
        raise self._fail(
            request,
            f"短信平台返回未知错误（{vendor_code or '无错误码'}）",
            False,
            vendor_code or "BAD_RESPONSE",
        )

    @staticmethod
    def _fail(request: SmsRequest, message: str, permanent: bool, provider_code: str) -> SmsError:
        logger.warning(
            "SMS platform call for %s failed: %s (%s)",
            request.reference,
            provider_code,
            "permanent" if permanent else "transient",
        )
        return SmsError(message, permanent=permanent, provider_code=provider_code)
