"""SVC-2 item 4, 企业开办 (一日办结): one application fans out to parallel tasks of four
departments; the case is approved and completed when all are done; one working day."""

from __future__ import annotations

import datetime

import pytest

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.core.errors import IllegalTransition, NotFound
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import fanout, services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.models import Application, Department

from .factories import attach_all, desk_user

pytestmark = pytest.mark.django_db

OPENING = "340000-SCJG-YW-005"


def test_enterprise_opening_fans_out_and_finishes_when_every_department_has(
    client, catalogue, desk, clock
):
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="founder")
    draft = services.application_start(actor=person, item=catalogue[OPENING])
    attach_all(draft, person)
    case = services.application_submit(
        actor=person,
        application=draft,
        data={"contact_mobile": "13957100009", "details": "新设立有限公司"},
    )
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    case = Application.objects.get(pk=case.pk)
    assert case.due_on == datetime.date(2026, 3, 3)  # one working day
    tasks = list(case.tasks.order_by("pk"))
    assert [t.name for t in tasks] == ["设立登记", "公章刻制", "发票申领", "社保登记"]
    assert {t.due_on for t in tasks} == {case.due_on}
    with pytest.raises(IllegalTransition):  # no decision while tasks are open
        services.application_decide(
            actor=desk.decider, application=case, version=2, decision="approve"
        )
    staff = {t.pk: desk_user(f"clerk{t.pk}", t.department, "handle_application") for t in tasks[1:]}
    with pytest.raises(NotFound):  # a department completes only its own task
        fanout.task_complete(actor=staff[tasks[1].pk], task_id=tasks[2].pk)
    fanout.task_complete(actor=desk.acceptor, task_id=tasks[0].pk)
    for task in tasks[1:-1]:
        fanout.task_complete(actor=staff[task.pk], task_id=task.pk)
    assert Application.objects.get(pk=case.pk).status == Status.ACCEPTED
    client.force_login(staff[tasks[-1].pk])
    page = client.get(f"/services/desk/?department={tasks[-1].department_id}").content.decode()
    assert "社保登记" in page and case.number in page
    client.post(f"/services/desk/task/{tasks[-1].pk}/done")
    case = Application.objects.get(pk=case.pk)
    assert case.status == Status.COMPLETED and case.decision == "approve"
    assert SmsMessage.objects.filter(template_code="application.completed").exists()
    with pytest.raises(IllegalTransition):
        fanout.task_complete(actor=desk.acceptor, task_id=tasks[0].pk)
    assert Department.objects.count() == 4
