"""Races settled by the database (PostgreSQL; SQLite serialises writers anyway): a flow is
consumed by one of two simultaneous requests, an authorisation code redeemed once."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import RequestFactory

from zhengwu.core.testing import race
from zhengwu.federation import conf, sandbox_idp, services
from zhengwu.federation.constants import Method
from zhengwu.federation.errors import SignInFailed
from zhengwu.federation.tests.support import sandbox_grant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions: PostgreSQL")


def _request(token: str | None = None):
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    if token:
        request.session[services.SESSION_FLOW_KEYS[Method.CERTIFICATE]] = token
    return request


def test_simultaneous_consumes_let_one_through():
    flow = services.flow_start(request=_request(), method=Method.CERTIFICATE, secret="c")
    results = race(
        lambda: services.flow_consume(request=_request(flow.token), method=Method.CERTIFICATE)
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert [r.code for r in results if isinstance(r, SignInFailed)] == ["federation.replayed"]


def test_simultaneous_token_requests_redeem_the_code_once():
    params, code = sandbox_grant()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params.redirect_uri,
        "code_verifier": "v" * 50,
    }
    credentials = (conf.oidc_client_id(), conf.oidc_client_secret())
    results = race(lambda: sandbox_idp.token_exchange(form=form, basic_credentials=credentials))
    assert sum(isinstance(r, dict) and "id_token" in r for r in results) == 1
    assert [r.code for r in results if isinstance(r, sandbox_idp.OAuthError)] == ["invalid_grant"]
