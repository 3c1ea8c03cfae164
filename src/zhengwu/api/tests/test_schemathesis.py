"""Property-based run of schemathesis over the served OpenAPI document (issue 11).

Every operation of ``/api/v1/openapi.json`` is called, through WSGI, with generated valid and
invalid requests: a bounded, derandomised number per operation so the run is short and
repeatable (``ZHENGWU_SCHEMATHESIS_EXAMPLES=200`` for a deeper run). No response may be a
server error; each must have a status the document declares for the operation and match the
declared body schema; every error body must be the contract ``{code, message, field}``.
Two runs: anonymous, and signed in as a legal representative with a CSRF token (to reach what
lies behind authentication and the CSRF check). About 15 s of CPU at 5 examples.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhengwu.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """The WSGI application fires ``request_started``/``request_finished``, whose
    ``close_old_connections`` would close the test's connection (inside its transaction) on
    PostgreSQL; Django's test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def error_contract(ctx, response, case):  # type: ignore[no-untyped-def]
    """Every error answer is ``{code, message, field}`` with a code and a message."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"{response.status_code}: error body is not JSON") from exc
    assert isinstance(body, dict), body
    assert set(body) == {"code", "message", "field"}, body
    assert body["code"] and body["message"], body
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_contract,
]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("ZHENGWU_SCHEMATHESIS_EXAMPLES", "5")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case):  # type: ignore[no-untyped-def]
    case.call_and_validate(checks=CHECKS)


CSRF_TOKEN = "z" * 32


@pytest.fixture
def signed_in(db):  # type: ignore[no-untyped-def]
    """The cookies and headers of a signed-in legal representative with a CSRF token, so the
    run also reaches what lies behind authentication and the CSRF check."""
    from django.conf import settings as django_settings
    from django.test import Client

    from zhengwu.accounts.tests.factories import MembershipFactory

    client = Client()
    client.force_login(MembershipFactory(legal_representative=True).user)
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
    }
    return cookies, {"X-CSRFToken": CSRF_TOKEN}


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("ZHENGWU_SCHEMATHESIS_EXAMPLES", "5")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract_signed_in(case, signed_in):  # type: ignore[no-untyped-def]
    cookies, headers = signed_in
    case.call_and_validate(checks=CHECKS, cookies=cookies, headers=headers)
