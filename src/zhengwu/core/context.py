"""The current request, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar, Token

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("zhengwu_request", default=None)


def bind(request: HttpRequest) -> Token[HttpRequest | None]:
    return _current.set(request)


def unbind(token: Token[HttpRequest | None]) -> None:
    _current.reset(token)


def current_request() -> HttpRequest | None:
    return _current.get()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address. Behind the proxy, REMOTE_ADDR is set by the proxy protocol of
    the WSGI server; X-Forwarded-For is not trusted here because it is spoofable."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
