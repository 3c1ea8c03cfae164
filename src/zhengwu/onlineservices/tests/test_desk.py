"""SVC-2 / SVC-2a, the department's side: queue, 受理, 补正 stopping the clock, 延长, decision by
another person, optimistic concurrency, 办结 issuing the food business licence."""

from __future__ import annotations

import datetime
import re

import pytest

from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.workflow import history
from zhengwu.licences.models import Licence
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.models import Application
from zhengwu.onlineservices.results import food_licence_number, luhn_digit
from zhengwu.onlineservices.selectors import queue
from zhengwu.onlineservices.services import StaleCase
from zhengwu.workdays.services import add_working_days

from .factories import FOOD_DATA, desk_user, submitted_case

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def case(food_item, personas, clock):
    return submitted_case(food_item, personas.operator, personas.organisation)


def _fresh(case):
    return Application.objects.get(pk=case.pk)


def test_accept_starts_the_working_day_clock_and_tells_the_applicant(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    case = _fresh(case)
    assert case.status == Status.ACCEPTED and case.accepted_by == desk.acceptor
    assert case.due_on == add_working_days(MONDAY, 10) == datetime.date(2026, 3, 16)
    assert "2026年03月16日" in SmsMessage.objects.get(template_code="application.accepted").text


def test_not_accepted_needs_a_reason_which_the_applicant_reads(case, desk):
    with pytest.raises(ValidationFailed) as caught:
        services.application_not_accept(actor=desk.acceptor, application=case, version=1, reason="")
    assert caught.value.field == "reason"
    services.application_not_accept(
        actor=desk.acceptor, application=case, version=1, reason="不属于本部门职权范围"
    )
    assert _fresh(case).status == Status.NOT_ACCEPTED
    assert (
        "不属于本部门职权范围"
        in SmsMessage.objects.get(template_code="application.not_accepted").text
    )


def test_correction_stops_the_clock_and_moves_the_planned_end(case, desk, personas, clock):
    """补正: one notice; the working days until resubmission are added to the planned end and
    the case shows the suspension, its reason and its length."""
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    planned = _fresh(case).due_on
    services.application_request_correction(
        actor=desk.acceptor,
        application=case,
        version=2,
        notice="1. 平面图未标明功能区\n2. 缺少制度文本第3页",
    )
    assert SmsMessage.objects.filter(template_code="application.correction").exists()
    clock.move_to(datetime.datetime(2026, 3, 9, 10, tzinfo=datetime.UTC))  # next Monday
    services.application_resubmit(actor=personas.operator, application=case, data=FOOD_DATA)
    case = _fresh(case)
    assert case.status == Status.ACCEPTED
    assert case.suspended_days == 5
    assert case.due_on == add_working_days(planned, 5)
    suspension = case.suspensions.get()
    assert (suspension.started_on, suspension.ended_on) == (MONDAY, datetime.date(2026, 3, 9))
    assert suspension.working_days == 5 and "平面图" in suspension.reason


def test_correction_before_acceptance_returns_to_the_intake(case, desk, personas):
    services.application_request_correction(
        actor=desk.acceptor, application=case, version=1, notice="申请书缺少签字"
    )
    services.application_resubmit(actor=personas.operator, application=case, data=FOOD_DATA)
    assert _fresh(case).status == Status.SUBMITTED and _fresh(case).due_on is None


def test_only_a_person_with_the_right_extends_with_a_reason(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    with pytest.raises(PermissionDenied):
        services.application_extend(
            actor=desk.acceptor, application=case, version=2, days=5, reason="需现场核查"
        )
    with pytest.raises(ValidationFailed):
        services.application_extend(
            actor=desk.chief, application=case, version=2, days=5, reason=""
        )
    planned = _fresh(case).due_on
    services.application_extend(
        actor=desk.chief, application=case, version=2, days=5, reason="需现场核查"
    )
    case = _fresh(case)
    assert case.due_on == add_working_days(planned, 5) and case.extended_days == 5
    assert case.extensions.get().granted_by == desk.chief


def test_the_acceptor_may_not_decide_where_the_item_says_so(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    with pytest.raises(PermissionDenied) as caught:
        services.application_decide(
            actor=desk.acceptor, application=case, version=2, decision="approve"
        )
    assert caught.value.code == "application.same_person"
    services.application_decide(actor=desk.decider, application=case, version=2, decision="approve")
    assert _fresh(case).status == Status.APPROVED


def test_a_decision_on_a_case_changed_meanwhile_is_refused(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    services.application_request_correction(
        actor=desk.chief, application=case, version=2, notice="补充材料"
    )
    with pytest.raises(StaleCase):  # the decider still looks at version 2
        services.application_decide(
            actor=desk.decider, application=case, version=2, decision="deny", reason="x"
        )
    assert _fresh(case).status == Status.CORRECTION


def test_completion_issues_a_food_business_licence_in_my_licences(case, desk, personas):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    services.application_decide(actor=desk.decider, application=case, version=2, decision="approve")
    services.application_complete(actor=desk.acceptor, application=case, version=3)
    case = _fresh(case)
    licence = case.result_licence
    assert case.status == Status.COMPLETED and licence is not None
    assert re.fullmatch(r"JY1341523\d{6}\d", licence.number)
    assert licence.number[-1] == luhn_digit(licence.number[2:-1])
    assert licence.holder_uscc == personas.organisation.uscc
    assert licence.valid_from == MONDAY and licence.valid_until == datetime.date(2031, 3, 1)
    assert Licence.objects.filter(holder_uscc=personas.organisation.uscc).count() == 1
    assert "准予" in SmsMessage.objects.get(template_code="application.completed").text
    assert [t.to_state for t in history(case)] == [
        "submitted",
        "accepted",
        "approved",
        "completed",
    ]


def test_food_licence_numbers_are_jy_and_14_digits():
    number = food_licence_number(business_form="餐饮服务", region_code="341523", sequence=7)
    assert number.startswith("JY2341523000007") and len(number) == 16
    assert number[2:].isdigit()


def test_a_denied_case_is_completed_without_a_licence(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    services.application_decide(
        actor=desk.decider, application=case, version=2, decision="deny", reason="场所不符合要求"
    )
    services.application_complete(actor=desk.decider, application=case, version=3)
    case = _fresh(case)
    assert case.status == Status.COMPLETED and case.result_licence is None
    assert not Licence.objects.exists()


def test_the_queue_marks_overdue_cases_and_other_departments_see_nothing(
    client, case, desk, clock, catalogue
):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    clock.move_to(datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC))
    assert queue(
        department=desk.department, overdue_only=True, today=datetime.date(2026, 3, 20)
    ) == [case]
    client.force_login(desk.acceptor)
    page = client.get("/services/desk/").content.decode()
    assert case.number in page and "已超期" in page
    from zhengwu.onlineservices.models import Department

    tax = Department.objects.get(code="shucheng-tax")
    stranger = desk_user("tax_clerk", tax, "handle_application", "decide_application")
    client.force_login(stranger)
    assert client.get(f"/services/desk/case/{case.pk}/").status_code == 404
    assert case.number not in client.get("/services/desk/").content.decode()


def test_desk_pages_drive_the_case_with_the_version_seen(client, case, desk):
    client.force_login(desk.acceptor)
    page = client.get(f"/services/desk/case/{case.pk}/").content.decode()
    assert 'name="version" value="1"' in page
    client.post(f"/services/desk/case/{case.pk}/accept", {"version": "1"})
    assert _fresh(case).status == Status.ACCEPTED
    response = client.post(
        f"/services/desk/case/{case.pk}/correction",
        {"version": "1", "reason": "补材料"},
        follow=True,
    )
    assert "已被他人处理" in response.content.decode()
    assert _fresh(case).status == Status.ACCEPTED


def test_a_queue_page_is_one_narrow_query(case, desk):
    """The queue reads only what it shows (docs/performance.md): not the case's form nor the
    item's schema and guide, whose decoding cost more than the query on 1,000,000 cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = queue(department=desk.department, today=datetime.date(2026, 3, 2))
    assert rows == [case] and len(queries) == 1
    sql = queries[0]["sql"]
    assert "form_data" not in sql and "form_schema" not in sql and "conditions" not in sql
    assert rows[0].item.name == case.item.name and rows[0].number == case.number


@pytest.mark.parametrize("raw", ["²", "４２", "9" * 30])
def test_the_desk_takes_a_page_mark_or_version_that_is_not_ascii_digits_as_none(
    case, desk, client, raw
):
    """The queue's keyset mark and an action's version are ids: ``"²"`` (``str.isdigit`` is
    true) made ``int()`` raise, a 500."""
    client.raise_request_exception = False
    client.force_login(desk.acceptor)
    page = client.get(f"/services/desk/?department={desk.department.pk}&before={raw}")
    assert page.status_code == 200 and case.number in page.content.decode()
    response = client.post(f"/services/desk/case/{case.pk}/accept", {"version": raw})
    assert response.status_code in (200, 302, 409)
    assert _fresh(case).status == Status.SUBMITTED  # no version read: refused as stale
