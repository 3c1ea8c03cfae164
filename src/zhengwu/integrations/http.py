"""A small JSON-over-HTTP client shared by the provider adapters (``sms.http``, ``identity.http``).

Configuration: each adapter has three settings under its own prefix, e.g. for
``ZHENGWU_SMS_HTTP``:

* ``<prefix>_URL``: required, an http(s) URL;
* ``<prefix>_TOKEN``: required, sent as ``Authorization: Bearer <token>``; never logged;
* ``<prefix>_TIMEOUT``: seconds per connect / read, default ``10``.

A Django setting wins; otherwise the environment variable of the same name is read, so production
can set them without a settings change. They are read at call time, so ``override_settings``
works. ``endpoint_config`` checks them and raises ``ImproperlyConfigured`` naming the setting and
the adapter that needs it.

The call: ``call_json`` sends the JSON payload (if any) with the Bearer token, refuses redirects
(they would resend the token, and a POSTed body, wherever ``Location`` points), reads at most
``MAX_RESPONSE_BYTES`` of the answer, and returns its status and JSON object (``None`` when the
body is not a JSON object) whatever the status: mapping statuses and vendor codes to the
adapter's errors is the adapter's business. Time-outs and connection errors raise
``TransportError`` with ``provider_code`` ``TIMEOUT`` or ``NETWORK`` and a Chinese message
naming the service (``service_label``).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


# --- configuration -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpEndpointConfig:
    url: str
    token: str
    timeout: float


def setting(name: str, default: str = "") -> str:
    """The Django setting ``name`` if set and not empty, else the environment variable, stripped."""
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, "")
    return str(value).strip() or default


def endpoint_config(
    prefix: str, owner: str, url_help: str, *, strip_trailing_slash: bool = False
) -> HttpEndpointConfig:
    """The ``<prefix>_URL`` / ``_TOKEN`` / ``_TIMEOUT`` settings, checked.

    ``owner`` (the adapter class) and ``url_help`` (what the URL is, with an example) go into
    the ``ImproperlyConfigured`` message of a missing URL.
    """
    url = setting(f"{prefix}_URL")
    if strip_trailing_slash:
        url = url.rstrip("/")
    token = setting(f"{prefix}_TOKEN")
    if not url:
        raise ImproperlyConfigured(f"{prefix}_URL is required by {owner}: {url_help}.")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ImproperlyConfigured(f"{prefix}_URL must be an http(s) URL, not {url!r}.")
    if not token:
        raise ImproperlyConfigured(
            f"{prefix}_TOKEN is required by {owner} (sent as a Bearer token)."
        )
    raw_timeout = setting(f"{prefix}_TIMEOUT", str(DEFAULT_TIMEOUT_SECONDS))
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = 0.0
    if not timeout > 0:
        raise ImproperlyConfigured(
            f"{prefix}_TIMEOUT must be a positive number of seconds, not {raw_timeout!r}."
        )
    return HttpEndpointConfig(url=url, token=token, timeout=timeout)


# --- the call ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would resend the Bearer token (and a POSTed body) to wherever the Location
    # points: refuse it; the 3xx comes back as the reply's status.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True, slots=True)
class JsonReply:
    status: int
    data: dict[str, Any] | None  # None: the body was not a JSON object


class TransportError(Exception):
    """No HTTP answer: ``provider_code`` is ``TIMEOUT`` or ``NETWORK``; ``message`` is Chinese."""

    def __init__(self, provider_code: str, message: str) -> None:
        super().__init__(message)
        self.provider_code = provider_code
        self.message = message


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def call_json(
    config: HttpEndpointConfig,
    method: str,
    url: str,
    payload: dict[str, Any] | None = None,
    *,
    service_label: str,
    message_suffix: str = "",
    extra_headers: dict[str, str] | None = None,
) -> JsonReply:
    """``method url`` with ``payload`` as JSON; the reply, or ``TransportError``.

    ``service_label`` names the service in the messages (``"短信平台"``, ``"实名认证服务"``);
    ``message_suffix`` is appended to them (e.g. ``"，请稍后再试"``); ``extra_headers`` are
    sent too (the SMS adapter's ``Idempotency-Key``).
    """
    headers = {
        **(extra_headers or {}),
        "Authorization": f"Bearer {config.token}",
        "Accept": "application/json",
    }
    data = None
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    timed_out = f"{service_label}响应超时{message_suffix}"
    try:
        with opener.open(request, timeout=config.timeout) as response:
            return JsonReply(response.status, _parse(response.read(MAX_RESPONSE_BYTES)))
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException):
            body = b""
        finally:
            exc.close()
        return JsonReply(exc.code, _parse(body))
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise TransportError("TIMEOUT", timed_out) from exc
        raise TransportError("NETWORK", f"无法连接{service_label}{message_suffix}") from exc
    except TimeoutError as exc:
        raise TransportError("TIMEOUT", timed_out) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError("NETWORK", f"与{service_label}的连接中断{message_suffix}") from exc
