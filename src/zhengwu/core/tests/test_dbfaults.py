"""A lost database answers 503 in the error contract, logged once with its cause (OPS-2).

Simulated on both databases with ``connection.execute_wrapper`` (every query of the request
raises ``OperationalError``); on PostgreSQL for real: the request's backend is killed with
``pg_terminate_backend`` from a second connection between two requests, and the request after
the 503 reconnects.
"""

import logging
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, connection, connections
from django.db.backends.utils import CursorWrapper

from zhengwu.core import dbfaults
from zhengwu.registrations.tests.conftest import step1_data
from zhengwu.registrations.tests.factories import MarketEntityFactory

API_STEP1 = "/api/v1/registrations/"
PAGE_STEP1 = "/register/"


@pytest.fixture
def entity(db):
    return MarketEntityFactory()


@contextmanager
def database_lost(when=lambda sql: True):
    """Every query (or those ``when`` picks) fails as on a dropped connection: the cursor's
    innermost call raises, so every ``execute_wrapper`` sees the error as from the driver."""
    execute = CursorWrapper._execute

    def lost(self, sql, params, *args):
        if when(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(self, sql, params, *args)

    with patch.object(CursorWrapper, "_execute", lost):
        yield


def _form(entity):
    data = step1_data(entity)
    data.pop("agreement_accepted")
    return {**data, "agreement": "on"}


def _records(caplog):
    return [r for r in caplog.records if r.name in ("zhengwu.core.dbfaults", "django.request")]


def test_lost_database_errors_are_recognised_through_their_causes():
    assert dbfaults.is_database_lost(OperationalError("connection refused"))
    assert dbfaults.is_database_lost(InterfaceError("connection already closed"))
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as exc:
            raise RuntimeError("wrapped by a library") from exc
    except RuntimeError as wrapped:
        assert dbfaults.is_database_lost(wrapped)
    assert not dbfaults.is_database_lost(IntegrityError("duplicate key"))
    assert not dbfaults.is_database_lost(ValueError("bug"))


def test_psycopg_connection_errors_count_as_lost():
    psycopg = pytest.importorskip("psycopg")
    assert dbfaults.is_database_lost(psycopg.OperationalError("connection failed"))
    assert not dbfaults.is_database_lost(psycopg.errors.UniqueViolation("duplicate"))


@pytest.mark.django_db
def test_api_request_that_meets_a_lost_database_answers_503_in_the_contract(client, entity, caplog):
    caplog.set_level(logging.INFO)
    with database_lost():
        response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {
        "code": "service.unavailable",
        "message": dbfaults.MESSAGE,
        "field": None,
    }
    assert response["Retry-After"] == str(dbfaults.RETRY_AFTER_SECONDS)
    assert response["X-Request-ID"]
    records = _records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    line = records[0].getMessage()
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "POST /api/v1/registrations/ -> 503" in line
    assert "OperationalError: server closed the connection unexpectedly" in line
    assert response["X-Request-ID"] in line
    # the database answers again: the same request goes through
    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_page_request_that_meets_a_lost_database_answers_a_chinese_503_page(client, caplog):
    caplog.set_level(logging.INFO)
    with database_lost():
        response = client.get("/sandbox/sms/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(dbfaults.RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "服务暂时不可用" in page and "请稍等几秒后刷新页面重试" in page
    assert len(_records(caplog)) == 1


@pytest.mark.django_db
def test_a_view_that_answers_a_lost_database_itself_keeps_its_answer_and_the_cause_is_logged(
    client, entity, caplog
):
    """Step 1 turns a register it cannot read into "请稍后再试" on the form: no 500, no
    half-saved row, and the cause is in the log."""
    caplog.set_level(logging.INFO)
    with database_lost():
        response = client.post(PAGE_STEP1, _form(entity))
    assert response.status_code == 200
    assert "请稍后再试" in response.content.decode()
    [record] = _records(caplog)
    assert "POST /register/ -> 200" in record.getMessage()
    assert "OperationalError" in record.getMessage()


@pytest.mark.django_db
def test_a_session_save_that_meets_a_lost_database_answers_503_not_500(client, entity, caplog):
    """The view succeeds, then SessionMiddleware cannot save the session: Django turns that into
    a 500 below this middleware, which answers 503 instead."""
    caplog.set_level(logging.INFO)

    def session_write(sql):
        return "django_session" in sql and not sql.lstrip().upper().startswith("SELECT")

    client.raise_request_exception = False
    with database_lost(session_write):
        response = client.post(PAGE_STEP1, _form(entity))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert [r for r in _records(caplog) if r.name == "zhengwu.core.dbfaults"]


@pytest.mark.django_db
def test_other_errors_still_answer_500(client, entity, monkeypatch):
    from zhengwu.registrations.wizard import services

    def bug(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(services, "registration_start", bug)
    client.raise_request_exception = False
    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend")
def test_backend_killed_between_requests_answers_503_then_reconnects(client, entity, caplog):
    """PostgreSQL restarted under load: the persistent connection the next request gets is
    dead. That request answers 503 (not 500), the connection is discarded, the next one works."""
    import psycopg

    caplog.set_level(logging.INFO)
    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 201
    victim = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killed = killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    assert killed and all(row[0] for row in killed)

    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "service.unavailable"
    assert connection.connection is None  # discarded, not handed to the next request
    [line] = [r.getMessage() for r in _records(caplog)]
    assert "OperationalError" in line

    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 201, response.content
    assert connection.connection.info.backend_pid != victim


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reconnects a real server")
def test_a_refused_connect_turned_into_a_registry_error_still_answers_503(client, entity, caplog):
    """While PostgreSQL restarts, the connect itself fails; the register lookup turns that
    into its own 502, which the middleware still recognises as a lost database."""
    import psycopg

    caplog.set_level(logging.INFO)
    connection.close()
    refused = psycopg.OperationalError('connection to server at "127.0.0.1" failed: refused')
    wrapper = type(connections["default"])
    with patch.object(wrapper, "get_new_connection", side_effect=refused):
        response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "service.unavailable"
    [line] = [r.getMessage() for r in _records(caplog)]
    assert "OperationalError" in line and "refused" in line
    response = client.post(API_STEP1, step1_data(entity), content_type="application/json")
    assert response.status_code == 201


@pytest.mark.django_db
def test_a_request_served_inside_another_watches_the_connection_once(rf):
    """In-process sandbox calls serve a request while another is being served: the
    connection is watched once (installed for good, not per request), both requests' watches
    are stacked while the inner one runs and none is left after."""
    from django.http import HttpResponse

    depth = []

    def inner_view(request):
        depth.append(len(dbfaults._watches()))
        return HttpResponse(str(connection.ensure_connection.__qualname__))

    inner = dbfaults.DatabaseUnavailableMiddleware(inner_view)
    outer = dbfaults.DatabaseUnavailableMiddleware(lambda request: inner(rf.get("/inner")))
    response = outer(rf.get("/outer"))
    outer(rf.get("/outer"))
    assert "watched" in response.content.decode()
    assert depth == [2, 2] and dbfaults._watches() == []
    assert connections["default"].execute_wrappers.count(dbfaults._watch_execute) == 1


@pytest.mark.django_db
def test_a_lost_database_inside_an_inner_request_is_seen_by_both(rf):
    from django.http import HttpResponse

    seen = []

    def inner_view(request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except OperationalError:
            seen.extend(w.lost for w in dbfaults._watches())
            return HttpResponse("稍后再试", status=502)  # a provider's own answer
        return HttpResponse("ok")

    def failing(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    inner = dbfaults.DatabaseUnavailableMiddleware(inner_view)
    outer = dbfaults.DatabaseUnavailableMiddleware(lambda request: inner(rf.get("/inner")))
    with connection.execute_wrapper(failing), patch.object(dbfaults, "discard_broken_connections"):
        response = outer(rf.get("/outer"))
    assert response.status_code == 503
    assert len(seen) == 2 and all(isinstance(e, OperationalError) for e in seen)


def test_the_watch_defers_to_whatever_wraps_the_class_method_later():
    """The watched ``ensure_connection`` looks the method up on the class at each call: a
    wrapper installed later (pytest-django's database blocker) still applies. Captured once,
    it let a connection watched while access was blocked skip the blocker for good, and one
    watched while blocked refuse every later test database set-up."""
    from django.db import connections

    conn = connections["default"]
    dbfaults._install(conn)
    wrapped = patch.object(type(conn), "ensure_connection", side_effect=RuntimeError("wrapped"))
    with wrapped, pytest.raises(RuntimeError, match="wrapped"):
        conn.ensure_connection()
