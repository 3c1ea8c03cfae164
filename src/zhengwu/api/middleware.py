"""Keep the error contract of ``/api/v1/`` for what happens outside a ninja operation.

* A request body Django cannot read (``multipart/form-data`` without a boundary, a body over
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a connection that broke while reading) is answered 400 (413
  when too large) in the contract and logged as one warning line, without a traceback.
* A NUL character in the path is refused (400): PostgreSQL text cannot hold one.
* Any other error response under the prefix that is not JSON (no route: 404, a wrong method:
  405, Django's own 400/403/500 pages) is rewritten as ``{code, message, field}`` with the same
  status (and the ``Allow`` header of a 405).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from .contract import (
    BODY_ERRORS,
    REQUEST_MALFORMED,
    body_error_response,
    code_for_status,
    error_response,
)

API_PREFIX = "/api/v1/"


class ApiErrorContractMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith(API_PREFIX) and "\x00" in request.path:
            return error_response(REQUEST_MALFORMED, 400, field="path")
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        rewritten = error_response(code_for_status(response.status_code), response.status_code)
        for header in ("Allow", "Retry-After", "X-Request-ID"):
            if header in response:
                rewritten[header] = response[header]
        return rewritten

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX) and isinstance(exc, BODY_ERRORS):
            return body_error_response(request, exc)
        return None
