"""提交's authentication reads the signed-in account together with the case (one statement,
``onlineservices.api.SubmitSessionAuth``): the account it takes from that read is checked exactly as
Django checks its own read, and nothing else changes for anyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.models import User, account_read_with
from zhengwu.onlineservices import services
from zhengwu.onlineservices.models import Application

from .factories import FOOD_DATA, FOOD_LICENCE, attach_all

pytestmark = pytest.mark.django_db


def _draft(catalogue, personas, actor=None):
    draft = services.application_start(
        actor=actor or personas.operator,
        item=catalogue[FOOD_LICENCE],
        organisation=personas.organisation,
    )
    attach_all(draft, actor or personas.operator)
    return draft


def _submit(client, draft):
    return client.post(
        f"/api/v1/services/applications/{draft.pk}/submit",
        {"data": FOOD_DATA},
        content_type="application/json",
    )


def _account_reads(queries) -> list[str]:
    """Statements that read the accounts table on its own (Django's ``get_user``). On
    PostgreSQL a statement bound on the server is logged as ``QUERY = '…' PARAMS = …``."""
    statements = [q["sql"].removeprefix("QUERY = '") for q in queries.captured_queries]
    return [
        sql
        for sql in statements
        if sql.startswith('SELECT "accounts_user"."id"') and "onlineservices" not in sql
    ]


def test_the_applicant_is_read_with_the_case_not_on_its_own(client, catalogue, personas, clock):
    draft = _draft(catalogue, personas)
    client.force_login(personas.operator)
    client.get(f"/api/v1/services/applications/{draft.pk}")  # the session, warm
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, draft)
    assert response.status_code == 200, response.content
    assert _account_reads(queries) == []
    assert Application.objects.get(pk=draft.pk).status == "submitted"


def test_a_session_whose_password_changed_is_refused_even_with_the_joined_read(
    client, catalogue, personas, clock
):
    """Django's ``get_user`` compares the session's hash with the row the case read brought:
    a password changed elsewhere ends the session here too (401, nothing submitted)."""
    draft = _draft(catalogue, personas)
    client.force_login(personas.operator)
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64  # the hash of another password
    session.save()
    response = _submit(client, draft)
    assert response.status_code == 401
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_a_deactivated_account_is_refused(client, catalogue, personas, clock):
    draft = _draft(catalogue, personas)
    client.force_login(personas.operator)
    User.objects.filter(pk=personas.operator.pk).update(is_active=False)
    assert _submit(client, draft).status_code == 401
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_another_member_of_the_unit_submits_with_their_own_account_read(
    client, catalogue, personas, clock
):
    """The case's applicant is not the session's account: that account is read on its own,
    and the unit's administrator may still submit the unit's draft."""
    draft = _draft(catalogue, personas)
    client.force_login(personas.administrator)
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, draft)
    assert response.status_code == 200, response.content
    assert len(_account_reads(queries)) == 1, [q["sql"][:90] for q in queries.captured_queries]


def test_an_outsider_gets_404_and_the_case_stays_a_draft(client, catalogue, personas, clock):
    draft = _draft(catalogue, personas)
    client.force_login(personas.outsider)
    response = _submit(client, draft)
    assert response.status_code == 404
    assert response.json()["code"] == "application.not_found"
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_without_a_session_nothing_is_read_and_the_answer_is_401(client, catalogue, personas):
    draft = _draft(catalogue, personas)
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, draft)
    assert response.status_code == 401
    assert not [q for q in queries.captured_queries if "onlineservices" in q["sql"]]


@pytest.mark.parametrize("pk", ["0", "00012", "99999999999999999999999", "-1", "abc"])
def test_odd_ids_are_answered_without_an_error(client, personas, pk):
    client.force_login(personas.operator)
    response = client.post(
        f"/api/v1/services/applications/{pk}/submit",
        {"data": FOOD_DATA},
        content_type="application/json",
    )
    assert response.status_code in (404, 422), response.content


def test_the_stash_serves_only_that_account_and_only_once(personas):
    operator = personas.operator
    with account_read_with(operator):
        other = User.objects.get(pk=personas.administrator.pk)
        assert other.pk == personas.administrator.pk and other is not operator
        assert User.objects.get(pk=operator.pk) is operator
        again = User.objects.get(pk=operator.pk)
        assert again is not operator and again.pk == operator.pk
    with account_read_with(operator):
        pass
    assert User.objects.get(pk=operator.pk) is not operator
