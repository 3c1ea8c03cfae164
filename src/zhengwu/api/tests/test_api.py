"""The API's error contract and OpenAPI document."""

import pytest

pytestmark = pytest.mark.django_db


def test_valid_identifier_is_returned_normalised(client):
    resp = client.post(
        "/api/v1/identifiers/check",
        {"kind": "uscc", "value": " 91350100m000100y43 "},
        content_type="application/json",
    )
    assert resp.status_code == 200
    assert resp.json() == {"kind": "uscc", "value": "91350100M000100Y43", "valid": True}


def test_invalid_identifier_gives_stable_code_and_chinese_message(client):
    resp = client.post(
        "/api/v1/identifiers/check",
        {"kind": "uscc", "value": "91350100M000100Y44"},
        content_type="application/json",
    )
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"].startswith("uscc.")
    assert "校验" in body["message"]
    assert body["field"] == "value"


def test_unknown_kind_is_a_validation_error(client):
    resp = client.post(
        "/api/v1/identifiers/check", {"kind": "nope", "value": "1"}, content_type="application/json"
    )
    assert resp.status_code == 422


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/identifiers/check" in doc["paths"]
