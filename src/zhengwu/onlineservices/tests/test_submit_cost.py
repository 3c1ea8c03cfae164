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

#: Statements of one 提交 through the API in a test (session and user read, the savepoints of
#: the test transaction included; docs/performance.md lists them). It was 24.
SUBMIT_QUERIES = 19


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
    assert len(queries) <= SUBMIT_QUERIES
    case = Application.objects.get(pk=draft.pk)
    assert case.status == "submitted" and case.number
    assert Transition.objects.filter(
        subject_type="onlineservices.application", subject_id=str(case.pk), to_state="submitted"
    ).exists()
    assert AuditEvent.objects.filter(event_type="onlineservices.application.submitted").exists()
    assert SmsMessage.objects.filter(template_code="application.submitted").exists()
