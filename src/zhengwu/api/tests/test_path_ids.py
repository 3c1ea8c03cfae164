"""Path ids out of range: every operation of the OpenAPI document, called with an id larger
than any row's (23 digits) or zero, answers an error of the contract, never a 500 (SQLite
cannot bind such a number, so a lookup would fail rather than find nothing)."""

from __future__ import annotations

import re

import pytest

from zhengwu.accounts.tests.factories import make_personas

pytestmark = pytest.mark.django_db

TOO_LARGE = "9" * 23


@pytest.mark.parametrize("value", [TOO_LARGE, "0"])
def test_every_path_id_out_of_range_is_refused_not_crashed(client, value):
    personas = make_personas()
    client.force_login(personas.operator)
    schema = client.get("/api/v1/openapi.json").json()
    tried = 0
    for path, operations in schema["paths"].items():
        params = re.findall(r"\{(\w+)\}", path)
        ids = [
            p["name"]
            for op in operations.values()
            for p in op.get("parameters", [])
            if p["in"] == "path" and p.get("schema", {}).get("type") == "integer"
        ]
        if not ids:
            continue
        url = path
        for name in params:
            url = url.replace("{" + name + "}", value if name in ids else "x")
        for method in operations:
            response = getattr(client, method)(url, {}, content_type="application/json")
            tried += 1
            assert response.status_code < 500, (method, url, response.content[:200])
            if response.status_code == 422:
                assert response.json()["field"] in ids, response.content
    assert tried >= 14  # the operations with an id in their path
