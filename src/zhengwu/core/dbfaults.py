"""A lost database answers 503, logged in one line with its cause, and the broken connection
is discarded so that the next request reconnects (OPS-2).

``DatabaseUnavailableMiddleware`` (in ``MIDDLEWARE`` right below ``RequestIdMiddleware``):

* ``process_exception``: a view that met a lost database (``is_database_lost``) answers 503
  with ``Retry-After`` — under ``/api/v1/`` in the API contract
  ``{"code": "service.unavailable", "message", "field": null}``, elsewhere a plain Chinese page
  rendered without the request (no session, no user, no database);
* ``__call__``: the same answer replaces any 5xx of a request that met a lost database
  without the exception reaching ``process_exception``: a middleware below (the session
  saved in ``SessionMiddleware.process_response``, which Django turns into a 500 before this
  middleware sees it; the signal ``got_request_exception`` marks the request), or code that
  turned the error into its own (the local registry provider's ``RegistryError``, 502): an
  ``execute_wrapper`` on every connection remembers the first lost-database error of the
  request, and a connection that failed to connect is probed once for its cause.

In both cases every connection of the process that no longer answers ``SELECT 1`` is closed,
so a persistent connection (``CONN_MAX_AGE``) killed by a PostgreSQL restart is not handed to
the next request.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
CODE = "service.unavailable"
MESSAGE = "系统暂时无法处理请求，请稍后再试"
_MARK = "_zhengwu_database_lost"
_ANSWERED = "_zhengwu_database_answered"


def _driver_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:  # the embedded default runs without it
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


def is_database_lost(exc: BaseException) -> bool:
    """``exc`` (or an exception it was raised from) says the database cannot be reached or the
    connection broke: Django's ``OperationalError`` / ``InterfaceError``, psycopg's own."""
    lost: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, *_driver_errors())
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, lost):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def discard_broken_connections() -> int:
    """Close every open connection that no longer answers; return how many were closed."""
    closed = 0
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        try:
            usable = conn.is_usable()
        except DatabaseError:
            usable = False
        if not usable:
            try:
                conn.close()
            except DatabaseError:
                conn.connection = None  # the socket is gone: forget it
            closed += 1
    return closed


def _cause(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {first_line}"[:300]


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: the API contract under ``/api/``, a plain Chinese page elsewhere."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"code": CODE, "message": MESSAGE, "field": None}, status=503)
    else:
        response = HttpResponse(
            render_to_string("core/unavailable.html", {"message": MESSAGE}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _answer(request: HttpRequest, exc: BaseException | str) -> HttpResponse:
    setattr(request, _ANSWERED, True)
    closed = discard_broken_connections()
    logger.warning(
        "database unavailable: %s %s -> 503 (request %s, %d connection(s) discarded): %s",
        request.method,
        request.path,
        getattr(request, "request_id", "-"),
        closed,
        exc if isinstance(exc, str) else _cause(exc),
    )
    response = unavailable_response(request)
    # This line says it all (path, status, cause): Django's own "Service Unavailable: <path>"
    # line would only repeat it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class _Watch:
    """The first lost-database error of one request, even if the code that met it turned it
    into another error (a provider's 502); the connects of a connection are watched as well
    (a refused connect is no query).

    The watching is installed once per connection object (``_install``: an ``execute_wrapper``
    and a wrapped ``ensure_connection`` that stay), and reports to the watches of the requests
    this thread is serving (a request served inside another, an in-process sandbox call, has
    its own watch on top of the outer one; both see its errors). A per-request
    ``execute_wrapper`` and ``ensure_connection`` patch entered through an ``ExitStack`` cost
    ≈40 % of a bare one-query view's middleware time (issue 15, docs/performance.md).
    """

    __slots__ = ("lost",)

    def __init__(self) -> None:
        self.lost: BaseException | None = None


_serving = threading.local()


def _watches() -> list[_Watch]:
    try:
        return _serving.watches  # type: ignore[no-any-return]
    except AttributeError:
        _serving.watches = []
        return _serving.watches  # type: ignore[no-any-return]


def _note(exc: BaseException) -> None:
    watches = getattr(_serving, "watches", None)
    if watches and is_database_lost(exc):
        for watch in watches:
            if watch.lost is None:
                watch.lost = exc


def _watch_execute(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    try:
        return execute(sql, params, many, context)
    except Exception as exc:
        _note(exc)
        raise


_INSTALLED = "_zhengwu_dbfaults_watched"


def _install(conn: Any) -> None:
    """Watch ``conn``'s queries and connects for good (once per connection object)."""
    if conn.__dict__.get(_INSTALLED):
        return

    def watched() -> None:
        # Looked up on the class at each call, not captured: whatever wraps the class's
        # method later (pytest-django's database blocker, a test's patch) still applies.
        try:
            type(conn).ensure_connection(conn)
        except Exception as exc:
            _note(exc)
            raise

    conn.ensure_connection = watched
    conn.execute_wrappers.insert(0, _watch_execute)
    conn.__dict__[_INSTALLED] = True


def _broken_connection_cause() -> str | None:
    """A connection that had an error during this request and is now closed (a connect that
    failed: no exception reaches the middleware when the caller wrapped it) or no longer
    answers: what is wrong with it, probed once."""
    for conn in connections.all(initialized_only=True):
        if not conn.errors_occurred:
            continue
        failed_connect = conn.connection is None
        try:
            if failed_connect:
                conn.ensure_connection()
            if conn.is_usable() and not failed_connect:
                continue
        except DatabaseError as exc:
            return _cause(exc)
        if failed_connect:
            return f"connecting to database {conn.alias!r} failed during the request"
        return f"connection {conn.alias!r} no longer answers"
    return None


def _forget_old_errors() -> None:
    """``errors_occurred`` of a closed connection outlives the request that set it (Django
    resets it only for an open connection): clear it, so that it says "this request"."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            conn.errors_occurred = False


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        watch = _Watch()
        _forget_old_errors()
        for conn in connections.all():
            _install(conn)
        watches = _watches()
        watches.append(watch)
        try:
            response = self.get_response(request)
        finally:
            watches.pop()
        if getattr(request, _ANSWERED, False):
            return response  # process_exception answered and logged
        if response.status_code < 500 or response.status_code == 503:
            if watch.lost is not None:
                # The code that met it answered in its own words ("please try later" on the
                # page, 4xx): keep the answer, log the cause, drop the broken connection.
                closed = discard_broken_connections()
                logger.warning(
                    "database unavailable: %s %s -> %d (request %s, %d connection(s) "
                    "discarded): %s",
                    request.method,
                    request.path,
                    response.status_code,
                    getattr(request, "request_id", "-"),
                    closed,
                    _cause(watch.lost),
                )
            return response
        lost = getattr(request, _MARK, None) or watch.lost or _broken_connection_cause()
        if lost is not None:
            return _answer(request, lost)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_lost(exception):
            return None
        return _answer(request, exception)


def mark_lost_database(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``got_request_exception`` receiver: remember on the request that the exception Django
    is turning into a 500 was a lost database (``DatabaseUnavailableMiddleware.__call__``)."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and is_database_lost(exc):
        setattr(request, _MARK, exc)
