"""SVC-2 named items end to end: food filing, special equipment, individual business, 注销."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import authenticate

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.accounts.tests.factories import PASSWORD, UserFactory
from zhengwu.core.errors import PermissionDenied
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.identifiers import uscc
from zhengwu.licences.models import Licence
from zhengwu.licences.services import licence_issue
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.entities import liquidation_notice_publish
from zhengwu.onlineservices.models import Application
from zhengwu.registry.models import MarketEntity

from .factories import DEREGISTRATION, FOOD_FILING, INDIVIDUAL, attach_all, submitted_case

pytestmark = pytest.mark.django_db

SPECIAL_EQUIPMENT = "340000-SCJG-XK-004"


def _approve_and_complete(case, desk):
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    services.application_decide(actor=desk.decider, application=case, version=2, decision="approve")
    services.application_complete(actor=desk.decider, application=case, version=3)
    return Application.objects.get(pk=case.pk)


def test_food_filing_receipt_arrives_in_my_licences(catalogue, personas, desk, clock):
    data = {"contact_mobile": "13957100001", "premises": "梅河路 1 号", "start_date": "2026-03-10"}
    case = submitted_case(catalogue[FOOD_FILING], personas.operator, personas.organisation, data)
    case = _approve_and_complete(case, desk)
    licence = case.result_licence
    assert licence.licence_type == "food_filing" and licence.valid_until is None
    assert licence.holder_uscc == personas.organisation.uscc
    assert licence.particulars["经营项目"] == "仅销售预包装食品"


def test_special_equipment_use_registration_certificate(catalogue, personas, desk, clock):
    data = {
        "contact_mobile": "13957100001",
        "equipment_kind": "电梯",
        "product_number": "DT2025-00817",
        "location": "舒城县城关镇梅河路 18 号 1 号楼",
    }
    case = submitted_case(
        catalogue[SPECIAL_EQUIPMENT], personas.operator, personas.organisation, data
    )
    case = _approve_and_complete(case, desk)
    licence = case.result_licence
    assert licence.licence_type == "special_equipment" and licence.number.startswith("梯341523")
    assert licence.particulars["产品编号"] == "DT2025-00817"
    assert licence.particulars["设备使用地点"].startswith("舒城县")


@pytest.fixture
def person(db):
    return UserFactory(kind=User.Kind.NATURAL_PERSON, username="zhangsan", real_name="张三")


def test_individual_business_gets_a_new_uscc_licence_and_account(catalogue, person, desk, clock):
    item = catalogue[INDIVIDUAL]
    draft = services.application_start(actor=person, item=item)
    attach_all(draft, person)
    case = services.application_submit(
        actor=person,
        application=draft,
        data={
            "business_name": "舒城县张三小吃店",
            "region_code": "341523",
            "premises": "舒城县城关镇春秋路 6 号",
            "business_scope": "小吃服务",
        },
    )
    assert case.form_data["operator_name"] == "张三"  # known fact of the account
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    assert Application.objects.get(pk=case.pk).due_on == datetime.date(2026, 3, 3)  # ≤ 1 day
    services.application_decide(
        actor=desk.acceptor, application=case, version=2, decision="approve"
    )
    services.application_complete(actor=desk.acceptor, application=case, version=3)
    case = Application.objects.get(pk=case.pk)
    code = case.applicant_uscc
    assert code.startswith("92341523") and uscc.validate(code) == code
    entity = MarketEntity.objects.get(uscc=code)
    assert entity.entity_type == "individual_business" and entity.legal_rep_name == "张三"
    assert entity.legal_rep_id_number == person.id_number
    licence = case.result_licence
    assert (licence.licence_type, licence.number, licence.holder_uscc) == (
        "business_licence",
        code,
        code,
    )
    organisation = Organisation.objects.get(uscc=code)
    account = authenticate(username=code, password=PASSWORD)
    assert account is not None and account.kind == User.Kind.LEGAL_PERSON
    assert Membership.objects.get(organisation=organisation, user=account).role == (
        Role.LEGAL_REPRESENTATIVE
    )
    assert case in services_for(account)


def services_for(user):
    from zhengwu.onlineservices.selectors import applications_for_user

    return list(applications_for_user(user))


def test_a_legal_person_account_cannot_apply_for_an_item_for_persons(catalogue, personas):
    with pytest.raises(PermissionDenied):
        services.application_start(
            actor=personas.operator,
            item=catalogue[INDIVIDUAL],
            organisation=personas.organisation,
        )


DEREG_DATA = {"contact_mobile": "13957100001", "details": "股东会决议解散，清算完毕"}


def test_deregistration_waits_for_the_45_day_notice_then_closes_everything(
    catalogue, personas, desk, clock
):
    org = personas.organisation
    code = EnterpriseCode.objects.create(organisation=org)
    held = licence_issue(
        issuer=desk.department.issuer,
        licence_type="business_licence",
        holder_uscc=org.uscc,
        holder_name=org.name,
        issued_on=datetime.date(2020, 1, 1),
        source="staff",
        actor=None,
    )
    item = catalogue[DEREGISTRATION]
    assert item.materials.count() == 2
    draft = services.application_start(
        actor=personas.legal_representative, item=item, organisation=org
    )
    attach_all(draft, personas.legal_representative)
    with pytest.raises(PermissionDenied) as caught:
        services.application_submit(
            actor=personas.legal_representative, application=draft, data=DEREG_DATA
        )
    assert caught.value.code == "notice.missing"
    notice = liquidation_notice_publish(
        actor=personas.legal_representative,
        organisation=org,
        text="本公司已决议解散，请债权人申报债权。",
    )
    assert notice.ends_on == datetime.date(2026, 4, 16)
    clock.move_to(datetime.datetime(2026, 4, 10, 2, tzinfo=datetime.UTC))
    with pytest.raises(PermissionDenied) as caught:
        services.application_submit(
            actor=personas.legal_representative, application=draft, data=DEREG_DATA
        )
    assert caught.value.code == "notice.running"
    clock.move_to(datetime.datetime(2026, 4, 16, 2, tzinfo=datetime.UTC))  # Thursday
    case = services.application_submit(
        actor=personas.legal_representative, application=draft, data=DEREG_DATA
    )
    services.application_accept(actor=desk.acceptor, application=case, version=1)
    # the time limit counts from acceptance: the notice days are not in it
    assert Application.objects.get(pk=case.pk).due_on == datetime.date(2026, 4, 17)
    services.application_decide(actor=desk.decider, application=case, version=2, decision="approve")
    services.application_complete(actor=desk.decider, application=case, version=3)
    assert Application.objects.get(pk=case.pk).status == Status.COMPLETED
    org.refresh_from_db()
    code.refresh_from_db()
    assert org.status == Organisation.Status.CLOSED
    assert code.status == "revoked"
    sms = SmsMessage.objects.filter(template_code="application.entity_deregistered")
    assert sms.count() == Membership.objects.filter(organisation=org, is_active=True).count()
    held.refresh_from_db()
    assert held.status == "revoked" and "企业注销登记" in held.revoke_reason
    assert not Licence.objects.filter(holder_uscc=org.uscc, status="valid").exists()
