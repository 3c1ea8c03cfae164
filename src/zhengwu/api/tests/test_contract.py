"""Every error of ``/api/v1/`` is ``{code, message, field}``, and the OpenAPI document says so."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTRACT = {"code", "message", "field"}


def _error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == CONTRACT
    assert body["code"] == code
    assert body["message"]
    return body


def test_validation_error_names_the_field_path(client):
    resp = client.post(
        "/api/v1/identifiers/check", {"kind": "nope", "value": "1"}, content_type="application/json"
    )
    body = _error(resp, 422, "request.invalid")
    assert body["field"] == "kind"
    assert "kind" in body["message"]


def test_missing_field_says_it_is_missing(client):
    resp = client.post(
        "/api/v1/identifiers/check", {"kind": "uscc"}, content_type="application/json"
    )
    body = _error(resp, 422, "request.invalid")
    assert body["field"] == "value"
    assert "缺少" in body["message"]


def test_unparseable_json_is_malformed(client):
    resp = client.post("/api/v1/identifiers/check", b"{nope", content_type="application/json")
    _error(resp, 400, "request.malformed")


@pytest.mark.parametrize(
    "path", ["/api/v1/registrations/manual/", "/api/v1/registrations/manual/resubmit"]
)
def test_multipart_without_boundary_is_400_logged_without_traceback(client, caplog, path):
    with caplog.at_level(logging.WARNING):
        resp = client.post(path, b"x", content_type="multipart/form-data")
    _error(resp, 400, "request.malformed")
    records = [r for r in caplog.records if r.name == "zhengwu.api"]
    assert records and all(r.exc_info is None for r in records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_body_over_the_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    resp = client.post(
        "/api/v1/identifiers/check",
        {"kind": "uscc", "value": "91350100M000100Y43"},
        content_type="application/json",
    )
    _error(resp, 413, "request.too_large")


def test_authentication_required(client):
    _error(client.get("/api/v1/code/units"), 401, "auth.required")


def test_csrf_failure():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    _error(client.post("/api/v1/code/units/1/claim"), 403, "csrf.failed")


def test_unknown_path_and_wrong_method(client):
    _error(client.get("/api/v1/no/such/thing"), 404, "not_found")
    resp = client.get("/api/v1/identifiers/check")
    _error(resp, 405, "method.not_allowed")
    assert resp["Allow"] == "POST"


def test_pages_outside_the_api_are_untouched(client):
    resp = client.get("/no/such/page/")
    assert resp.status_code == 404
    assert not resp["Content-Type"].startswith("application/json")


def test_unhandled_exception_is_a_logged_500_in_the_contract(client, monkeypatch, caplog):
    from zhengwu.identifiers import uscc

    def boom(value: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(uscc, "validate", boom)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        resp = client.post(
            "/api/v1/identifiers/check",
            {"kind": "uscc", "value": "x"},
            content_type="application/json",
        )
    body = _error(resp, 500, "server.error")
    assert "boom" not in body["message"]
    assert any(r.exc_info and r.name == "zhengwu.api" for r in caplog.records)


def test_unhandled_exception_still_surfaces_in_tests(client, monkeypatch):
    from zhengwu.identifiers import uscc

    monkeypatch.setattr(uscc, "validate", lambda value: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.post(
            "/api/v1/identifiers/check",
            {"kind": "uscc", "value": "x"},
            content_type="application/json",
        )


def test_openapi_declares_the_common_error_statuses(client):
    doc = client.get("/api/v1/openapi.json").json()
    ref = "#/components/schemas/ErrorOut"
    check = doc["paths"]["/api/v1/identifiers/check"]["post"]["responses"]
    for status in ("400", "422", "500"):
        assert check[status]["content"]["application/json"]["schema"]["$ref"] == ref
    units = doc["paths"]["/api/v1/code/units"]["get"]["responses"]
    assert {"401", "403", "422", "500"} <= set(units)
    claim = doc["paths"]["/api/v1/code/units/{organisation_id}/claim"]["post"]["responses"]
    assert "404" in claim
    assert "ErrorOut" in doc["components"]["schemas"]


def test_nul_characters_are_refused_before_the_database(client):
    """PostgreSQL text cannot hold NUL: it was a 500 there (found by schemathesis)."""
    resp = client.post(
        "/api/v1/identifiers/check",
        {"kind": "uscc", "value": "9135\x00"},
        content_type="application/json",
    )
    body = _error(resp, 400, "request.malformed")
    assert body["field"] == "value"
    _error(client.get("/api/v1/code/verify/ab%00cd"), 400, "request.malformed")
    resp = client.post("/api/v1/registrations/manual/", {"unit_name": "x\x00"}, format="multipart")
    _error(resp, 400, "request.malformed")
