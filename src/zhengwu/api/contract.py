"""The error contract of ``/api/v1/``: every error is ``{code, message, field}``.

Three layers keep it, from the inside out:

* exception handlers of the ``NinjaAPI`` (:func:`install_handlers`): request validation
  (422 ``request.invalid`` with the field path), authentication (401 ``auth.required``),
  CSRF (403 ``csrf.failed``), unparseable bodies (400 ``request.malformed``), 404, throttling,
  and every unhandled exception (500 ``server.error``, logged with its traceback);
* :func:`declare_error_statuses`: the OpenAPI document lists, for every operation, the error
  statuses it can answer, with ``ErrorOut``;
* :class:`zhengwu.api.middleware.ApiErrorContractMiddleware`: what happens outside a ninja
  operation (no route: 404, wrong method: 405, a body Django cannot read, Django's own 400/403/
  500 pages) is rewritten into the contract too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from zhengwu.core.errors import ZhengwuError

from .errors import ErrorOut

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("zhengwu.api")

#: Stable codes of the errors the API itself (not a feature) answers.
REQUEST_INVALID = "request.invalid"
REQUEST_MALFORMED = "request.malformed"
REQUEST_TOO_LARGE = "request.too_large"
AUTH_REQUIRED = "auth.required"
CSRF_FAILED = "csrf.failed"
PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method.not_allowed"
RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server.error"

MESSAGES = {
    REQUEST_INVALID: "请求参数有误",
    REQUEST_MALFORMED: "请求内容无法解析，请检查请求格式",
    REQUEST_TOO_LARGE: "请求内容过大",
    AUTH_REQUIRED: "请先登录",
    CSRF_FAILED: "CSRF 校验失败，请刷新页面后重试",
    PERMISSION_DENIED: "您没有权限进行此操作",
    NOT_FOUND: "接口或记录不存在",
    METHOD_NOT_ALLOWED: "不支持此请求方法",
    RATE_LIMITED: "操作过于频繁，请稍后再试",
    SERVER_ERROR: "系统繁忙，请稍后再试",
}

#: The code of an error response by its status, when nothing more precise is known.
CODE_BY_STATUS = {
    400: REQUEST_MALFORMED,
    401: AUTH_REQUIRED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    413: REQUEST_TOO_LARGE,
    422: REQUEST_INVALID,
    429: RATE_LIMITED,
}

#: Body errors Django raises while reading ``request.POST`` / ``request.body``.
BODY_ERRORS: tuple[type[Exception], ...] = (
    MultiPartParserError,
    RequestDataTooBig,
    UnreadablePostError,
)


def error_body(code: str, message: str | None = None, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message or MESSAGES.get(code, "操作失败"), "field": field}


def error_response(
    code: str, status: int, message: str | None = None, field: str | None = None
) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, field), status=status, json_dumps_params={"ensure_ascii": False}
    )


def code_for_status(status: int) -> str:
    if status >= 500:
        return SERVER_ERROR
    return CODE_BY_STATUS.get(status, f"http.{status}")


def body_error_response(request: HttpRequest, exc: BaseException) -> JsonResponse:
    """400 (413 when too large) for a body Django cannot read; logged without a traceback."""
    too_large = isinstance(exc, RequestDataTooBig)
    code = REQUEST_TOO_LARGE if too_large else REQUEST_MALFORMED
    logger.warning(
        "API request body refused (%s): %s %s: %s",
        code,
        request.method,
        request.path,
        exc.__class__.__name__,
    )
    return error_response(code, 413 if too_large else 400)


# --- NUL characters ---------------------------------------------------------------------------


class NulCharacter(ZhengwuError):
    """A NUL character in a request value: PostgreSQL text cannot hold one (it was a 500)."""

    code = REQUEST_MALFORMED
    message = "请求内容含有不允许的空字符"
    status = 400


def _refuse_nul(value: Any, path: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulCharacter(field=path or None)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(str(key), path)
            _refuse_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}.{index}" if path else str(index))


class ContractParser(Parser):
    """ninja's JSON/query/form parser, refusing NUL characters in any string value."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        _refuse_nul(data, "")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, "")
        return result


# --- the field path of a validation error -------------------------------------------------------

_BODY_SOURCES = {"body", "form", "file"}


def field_path(loc: Iterable[Any]) -> str | None:
    """``("body", "payload", "steps", 0, "name")`` → ``"steps.0.name"``; query → its name."""
    parts = list(loc)
    if not parts:
        return None
    source, rest = parts[0], parts[1:]
    if source in _BODY_SOURCES and len(rest) > 1:
        rest = rest[1:]  # the view's parameter name, not part of the request
    return ".".join(str(p) for p in rest) or str(source)


def validation_message(error: dict[str, Any], field: str | None) -> str:
    kind = str(error.get("type", ""))
    name = field or "请求"
    if kind == "missing":
        return f"缺少必填项：{name}"
    if kind.startswith("json") or kind == "model_attributes_type":
        return f"请求格式有误：{name}"
    return f"{name} 的值无效"


# --- the handlers ---------------------------------------------------------------------------------


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's ``{"detail": ...}`` handlers by the contract."""

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = field_path(first.get("loc", ()))
        body = error_body(REQUEST_INVALID, validation_message(first, field), field)
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc.__cause__, ZhengwuError):  # ninja wraps what the body parser raised
            cause = exc.__cause__
            logger.warning(
                "API request refused (%s): %s %s", cause.code, request.method, request.path
            )
            return api.create_response(request, cause.as_dict(), status=cause.status)
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            code = AUTH_REQUIRED
        elif status == 403 and "csrf" in str(exc).lower():
            code = CSRF_FAILED
        elif isinstance(exc, Throttled):
            code = RATE_LIMITED
        else:
            code = code_for_status(status)
        if status == 400:
            logger.warning("API request body refused: %s %s", request.method, request.path)
        response = api.create_response(request, error_body(code), status=status)
        wait = getattr(exc, "wait", None)
        if wait:
            response["Retry-After"] = str(int(wait))
        return response

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body(NOT_FOUND), status=404)

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body(PERMISSION_DENIED), status=403)

    def body_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return body_error_response(request, exc)

    def suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.warning("API request refused as suspicious: %s %s", request.method, request.path)
        return api.create_response(request, error_body(REQUEST_MALFORMED), status=400)

    def unhandled(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        # As Django does for an uncaught exception (the test client re-raises it from here).
        got_request_exception.send(sender=None, request=request)
        return api.create_response(request, error_body(SERVER_ERROR), status=500)

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DjangoPermissionDenied, forbidden)
    for exc_class in BODY_ERRORS:
        api.add_exception_handler(exc_class, body_error)
    api.add_exception_handler(SuspiciousOperation, suspicious)
    api.add_exception_handler(Exception, unhandled)


# --- the OpenAPI declaration ---------------------------------------------------------------------

_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def error_statuses(path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer whatever its feature raises itself: a body
    that cannot be read (400), parameters that do not validate (422), a server error (500);
    with authentication also 401 and 403 (CSRF); with path parameters 404."""
    statuses = [400, 422, 500]
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    return statuses


def declare_error_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error statuses, answered with ``ErrorOut``, to every operation."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in schemas:
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, operation):
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": MESSAGES[code_for_status(status)],
                    "content": {"application/json": {"schema": ref}},
                }
    return schema
