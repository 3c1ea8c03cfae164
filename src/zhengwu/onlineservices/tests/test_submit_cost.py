"""The cost of 提交 (bench/applications.py target): the queries of one food-licence submission
are counted so that they cannot creep back; everything it must do is still done."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.audit.models import AuditEvent
from zhengwu.core.models import Transition
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import services
from zhengwu.onlineservices.models import Application

from .factories import FOOD_DATA, FOOD_LICENCE, attach_all

pytestmark = pytest.mark.django_db

#: Statements of one 提交 through the API in a test (session read, the savepoint of the test
#: transaction included; docs/performance.md lists them). It was 24, then 17, then 12, then
#: 11 (the account is read with the case); on PostgreSQL the writes are one statement
#: (``sqlcache.combined``): 5 in a test.
#: On PostgreSQL outside a test: 3 (session, the case with the account, the writes; no
#: BEGIN/COMMIT), was 18, then 13, then 4.
SUBMIT_QUERIES = 11 if connection.vendor != "postgresql" else 5
SUBMIT_QUERIES_POSTGRESQL = 3


def test_submit_through_the_api_costs_a_fixed_small_number_of_queries(
    client, catalogue, personas, clock
):
    draft = services.application_start(
        actor=personas.operator,
        item=catalogue[FOOD_LICENCE],
        organisation=personas.organisation,
    )
    attach_all(draft, personas.operator)
    client.force_login(personas.operator)
    client.get(f"/api/v1/services/applications/{draft.pk}")  # session warm, as in the bench
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/services/applications/{draft.pk}/submit",
            {"data": FOOD_DATA},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert len(queries) <= SUBMIT_QUERIES, [q["sql"][:80] for q in queries.captured_queries]
    case = Application.objects.get(pk=draft.pk)
    assert case.status == "submitted" and case.number
    assert Transition.objects.filter(
        subject_type="onlineservices.application", subject_id=str(case.pk), to_state="submitted"
    ).exists()
    assert AuditEvent.objects.filter(event_type="onlineservices.application.submitted").exists()
    assert SmsMessage.objects.filter(template_code="application.submitted").exists()


def test_the_one_read_still_refuses_a_missing_material_and_fills_register_facts(
    client, catalogue, personas, clock
):
    """What the submit's single read carries (the first missing material, the register's
    name of the unit) is what the separate queries gave."""
    import datetime

    from zhengwu.registry.models import MarketEntity

    org = personas.organisation
    MarketEntity.objects.create(
        uscc=org.uscc,
        name="舒城县登记簿上的名称有限公司",
        entity_type="limited_company",
        legal_person_type="enterprise",
        status="active",
        region_code=org.uscc[2:8],
        legal_rep_name="王建国",
        legal_rep_id_type="resident_id",
        legal_rep_id_number="330106198203154517",
        legal_rep_id_number_hash="0" * 64,
        registered_on=datetime.date(2019, 3, 18),
        row_hash="0" * 32,
    )
    draft = services.application_start(
        actor=personas.operator, item=catalogue[FOOD_LICENCE], organisation=org
    )
    materials = list(draft.item.materials.order_by("order", "pk"))
    client.force_login(personas.operator)
    url = f"/api/v1/services/applications/{draft.pk}/submit"
    refused = client.post(url, {"data": FOOD_DATA}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["field"] == f"material_{materials[0].pk}"
    assert refused.json()["message"] == f"请提交{materials[0].name}"
    attach_all(draft, personas.operator)
    done = client.post(url, {"data": FOOD_DATA}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["form_data"]["unit_name"] == "舒城县登记簿上的名称有限公司"
    assert client.post(url, {"data": FOOD_DATA}, content_type="application/json").status_code == 409


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_submit_commits_once_without_savepoints_on_postgresql(
    client, catalogue, personas, clock, settings
):
    """Production's shape: one transaction (one WAL flush), and that transaction is one
    statement (no BEGIN, COMMIT or savepoint). The SMS is its outbox row and nothing else: no
    task row, the worker's relay reads the outbox (decision 0034)."""
    from django_tasks_db.models import DBTaskResult

    draft = _food_draft_with_database_tasks(catalogue, personas, settings)
    client.force_login(personas.operator)
    client.get(f"/api/v1/services/applications/{draft.pk}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/services/applications/{draft.pk}/submit",
            {"data": FOOD_DATA},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s in {"BEGIN", "COMMIT"} or "SAVEPOINT" in s], statements
    writes = [s for s in statements if "INSERT" in s or "UPDATE" in s]
    assert len(writes) == 1 and "WITH" in writes[0], statements
    assert len(statements) <= SUBMIT_QUERIES_POSTGRESQL, [s[:80] for s in statements]
    message = SmsMessage.objects.get(template_code="application.submitted")
    assert message.status == SmsMessage.Status.QUEUED
    assert not DBTaskResult.objects.exists()
    assert "dbtaskresult" not in writes[0]
    from zhengwu.notifications.models import InboxMessage
    from zhengwu.notifications.services import sms_relay

    assert "inboxmessage" not in writes[0]  # the portal copy is the worker's (decision 0034)
    assert message.inbox_scope == f"unit:{draft.organisation_id}"  # the unit's account
    assert sms_relay() == 1
    copy = InboxMessage.objects.get(sms=message)
    assert copy.user_id == personas.operator.pk and copy.text == message.text
    # the SMS has no audit event of its own (decision 0035): the step's event and the
    # message share the request id
    assert not AuditEvent.objects.filter(event_type="sms.queued").exists()
    submitted = AuditEvent.objects.get(event_type="onlineservices.application.submitted")
    assert submitted.request_id and message.request_id == submitted.request_id
    assert submitted.request_id == response["X-Request-ID"]
    assert response.json()["number"] == Application.objects.get(pk=draft.pk).number


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_draft_submitted_meanwhile_is_refused_by_the_ordinary_path(
    catalogue, personas, clock, settings
):
    """The one statement's UPDATE matches no row when the draft was submitted since it was
    read: nothing of it is written, the object is as it was, and the ordinary path refuses
    (409) as before; one case, one SMS, no task row (relayed)."""
    from django_tasks_db.models import DBTaskResult

    from zhengwu.core.errors import IllegalTransition

    draft = _food_draft_with_database_tasks(catalogue, personas, settings)
    first = services.application_submit_by_id(actor=personas.operator, pk=draft.pk, data=FOOD_DATA)
    stale = Application.objects.select_related("item", "department", "organisation").get(
        pk=draft.pk
    )
    stale.status = "draft"  # as read before the first submission
    stale.number = None
    with pytest.raises(IllegalTransition) as refused:
        services._submit_draft(personas.operator, stale, FOOD_DATA)
    assert refused.value.code == "illegal_transition"
    assert stale.status == "draft" and stale.number is None
    assert Application.objects.get(pk=draft.pk).number == first.number
    assert SmsMessage.objects.filter(template_code="application.submitted").count() == 1
    assert not DBTaskResult.objects.exists()
    assert Transition.objects.filter(subject_id=str(draft.pk), to_state="submitted").count() == 1


def _food_draft_with_database_tasks(catalogue, personas, settings):
    """A food-licence draft with every material, the task backend production's (the database)."""
    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    draft = services.application_start(
        actor=personas.operator,
        item=catalogue[FOOD_LICENCE],
        organisation=personas.organisation,
    )
    attach_all(draft, personas.operator)
    return draft
