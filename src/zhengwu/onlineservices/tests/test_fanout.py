"""SVC-2 item 4, 企业开办 (一日办结): one application fans out to parallel tasks of four
departments; the case is approved and completed when all are done; one working day."""

from __future__ import annotations

import datetime

import pytest

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, UserFactory
from zhengwu.core.errors import IllegalTransition, NotFound
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import fanout, services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.models import Application, Department
from zhengwu.registry.models import MarketEntity

from .factories import attach_all, desk_user

pytestmark = pytest.mark.django_db

OPENING = "340000-SCJG-YW-005"
COMPANY = {
    "company_name": "舒城县梅河科技有限公司",
    "company_type": "limited_company",
    "region_code": "341523",
    "premises": "舒城县城关镇梅河路 88 号",
    "registered_capital": "100",
    "business_scope": "软件开发；信息技术咨询服务",
    "seal_count": "3",
}


def opening_case(catalogue, person, data=None):
    draft = services.application_start(actor=person, item=catalogue[OPENING])
    attach_all(draft, person)
    return services.application_submit(actor=person, application=draft, data=dict(data or COMPANY))


def accepted_opening(catalogue, desk, person):
    case = opening_case(catalogue, person)
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    return Application.objects.get(pk=case.pk)


def test_enterprise_opening_fans_out_and_finishes_when_every_department_has(
    client, catalogue, desk, clock
):
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="founder")
    case = opening_case(catalogue, person)
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
    assert not MarketEntity.objects.filter(name=COMPANY["company_name"]).exists()
    fanout.task_complete(actor=desk.acceptor, task_id=tasks[0].pk)  # 设立登记 准予
    entity = MarketEntity.objects.get(name=COMPANY["company_name"])
    assert entity.uscc.startswith("91341523") and entity.entity_type == "limited_company"
    for task in tasks[1:-1]:
        fanout.task_complete(actor=staff[task.pk], task_id=task.pk)
    assert Application.objects.get(pk=case.pk).status == Status.ACCEPTED
    client.force_login(staff[tasks[-1].pk])
    page = client.get(f"/services/desk/?department={tasks[-1].department_id}").content.decode()
    assert "社保登记" in page and case.number in page
    client.post(f"/services/desk/task/{tasks[-1].pk}/done")
    case = Application.objects.get(pk=case.pk)
    assert case.status == Status.COMPLETED and case.decision == "approve"
    assert case.result_licence is not None and case.result_licence.holder_uscc == entity.uscc
    assert SmsMessage.objects.filter(template_code="application.completed").exists()
    with pytest.raises(IllegalTransition):
        fanout.task_complete(actor=desk.acceptor, task_id=tasks[0].pk)
    assert Department.objects.count() == 4


def test_registration_task_creates_the_company_with_a_valid_91_uscc_licence_and_account(
    catalogue, desk, clock
):
    from django.contrib.auth import authenticate
    from stdnum.cn import uscc as stdnum_uscc

    from zhengwu.accounts.constants import Role
    from zhengwu.accounts.models import Membership, Organisation
    from zhengwu.identifiers import uscc
    from zhengwu.licences.models import Licence

    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="founder2")
    case = accepted_opening(catalogue, desk, person)
    registration = case.tasks.get(name="设立登记")
    fanout.task_complete(actor=desk.acceptor, task_id=registration.pk)
    case = Application.objects.get(pk=case.pk)
    code = case.applicant_uscc
    # 91 (企业) + 341523 (舒城县) + 8-char body + GB 11714 check + GB 32100 check
    assert code.startswith("91341523") and len(code) == 18
    assert uscc.validate(code) == code
    assert stdnum_uscc.is_valid(code)  # the independent oracle agrees
    entity = MarketEntity.objects.get(uscc=code)
    assert (entity.entity_type, entity.legal_person_type, entity.status) == (
        "limited_company",
        "enterprise",
        "active",
    )
    assert entity.legal_rep_name == person.real_name
    assert entity.legal_rep_id_number == person.id_number
    assert case.applicant_name == COMPANY["company_name"]
    licence = Licence.objects.get(holder_uscc=code)
    assert (licence.licence_type, licence.number, licence.status) == (
        "business_licence",
        code,
        "valid",
    )
    assert licence.particulars["类型"] == "有限责任公司"
    assert licence.particulars["注册资本"] == "100万元"
    organisation = Organisation.objects.get(uscc=code)
    assert case.organisation_id == organisation.pk
    account = authenticate(username=code, password=PASSWORD)
    assert account is not None and account.kind == User.Kind.LEGAL_PERSON
    assert Membership.objects.get(organisation=organisation, user=account).role == (
        Role.LEGAL_REPRESENTATIVE
    )
    # the case is still running: the other departments' tasks are open
    assert case.status == Status.ACCEPTED


def test_company_is_not_created_by_the_other_tasks_nor_twice(catalogue, desk, clock):
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="founder3")
    case = accepted_opening(catalogue, desk, person)
    tasks = {t.name: t for t in case.tasks.all()}
    seal_clerk = desk_user("sealclerk", tasks["公章刻制"].department, "handle_application")
    fanout.task_complete(actor=seal_clerk, task_id=tasks["公章刻制"].pk)
    assert not MarketEntity.objects.filter(name=COMPANY["company_name"]).exists()
    fanout.task_complete(actor=desk.acceptor, task_id=tasks["设立登记"].pk)
    with pytest.raises(IllegalTransition):
        fanout.task_complete(actor=desk.acceptor, task_id=tasks["设立登记"].pk)
    assert MarketEntity.objects.filter(name=COMPANY["company_name"]).count() == 1


def test_opening_form_requires_the_company_facts(catalogue, clock):
    from zhengwu.core.errors import ValidationFailed

    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="founder4")
    with pytest.raises(ValidationFailed) as caught:
        opening_case(catalogue, person, {**COMPANY, "company_name": ""})
    assert "企业名称" in str(caught.value)


@pytest.mark.parametrize("prefix", ["91", "92"])
def test_new_uscc_is_valid_by_both_validators_and_unused(prefix):
    from stdnum.cn import uscc as stdnum_uscc

    from zhengwu.identifiers import uscc
    from zhengwu.onlineservices.entities import new_uscc

    codes = {new_uscc(prefix, "341523") for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert code.startswith(prefix + "341523") and uscc.validate(code) == code
        assert stdnum_uscc.is_valid(code), code
