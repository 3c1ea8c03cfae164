"""SVC-2a 帮办: window staff file for a unit; the unit confirms with an SMS code before 提交;
the case records who helped."""

from __future__ import annotations

import re

import pytest

from zhengwu.core.errors import PermissionDenied, RateLimited, ValidationFailed
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import assist, services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.models import Application

from .factories import FOOD_DATA, FOOD_LICENCE, attach_all

pytestmark = pytest.mark.django_db


def _code() -> str:
    text = SmsMessage.objects.filter(template_code="application.assist_code").latest("pk").text
    match = re.search(r"验证码(\d{6})", text)
    assert match is not None
    return match.group(1)


def test_staff_file_for_a_unit_which_confirms_by_sms_code(catalogue, personas, desk, clock):
    org = personas.organisation
    draft = assist.application_assist_start(
        actor=desk.acceptor, item=catalogue[FOOD_LICENCE], uscc=org.uscc
    )
    assert draft.applicant == personas.legal_representative and draft.helped_by == desk.acceptor
    attach_all(draft, desk.acceptor)
    with pytest.raises(PermissionDenied) as caught:
        services.application_submit(actor=desk.acceptor, application=draft, data=FOOD_DATA)
    assert caught.value.code == "application.not_confirmed"
    masked = assist.application_assist_send_code(actor=desk.acceptor, application=draft)
    assert "*" in masked
    with pytest.raises(RateLimited):
        assist.application_assist_send_code(actor=desk.acceptor, application=draft)
    with pytest.raises(ValidationFailed) as caught:
        assist.application_assist_confirm(
            actor=desk.acceptor,
            application=draft,
            code="000000" if _code() != "000000" else "111111",
        )
    assert caught.value.field == "code"
    assist.application_assist_confirm(actor=desk.acceptor, application=draft, code=_code())
    draft = Application.objects.get(pk=draft.pk)
    services.application_submit(actor=desk.acceptor, application=draft, data=FOOD_DATA)
    case = Application.objects.get(pk=draft.pk)
    assert case.status == Status.SUBMITTED and case.helped_by == desk.acceptor
    assert case.form_data["unit_name"] == org.name  # the unit's facts, not the staff member's
    # the unit follows the case in 我的办件
    from zhengwu.onlineservices.selectors import applications_for_user

    assert case in applications_for_user(personas.operator)


def test_another_staff_member_cannot_confirm_or_edit(catalogue, personas, desk):
    draft = assist.application_assist_start(
        actor=desk.acceptor, item=catalogue[FOOD_LICENCE], uscc=personas.organisation.uscc
    )
    with pytest.raises(PermissionDenied):
        assist.application_assist_send_code(actor=desk.decider, application=draft)
    from django.http import Http404

    with pytest.raises(Http404):
        services.application_save(actor=desk.decider, application=draft, data={})


def test_an_unregistered_unit_or_a_wrong_code_is_named(catalogue, desk):
    with pytest.raises(ValidationFailed) as caught:
        assist.application_assist_start(
            actor=desk.acceptor, item=catalogue[FOOD_LICENCE], uscc="91330106MA2KYUN10R"
        )
    assert caught.value.code == "assist.no_account" and caught.value.field == "uscc"
    with pytest.raises(ValidationFailed) as caught:
        assist.application_assist_start(
            actor=desk.acceptor, item=catalogue[FOOD_LICENCE], uscc="91330106MA2KYUN10X"
        )
    assert caught.value.field == "uscc"


def test_the_desk_pages_drive_the_assisted_filing(client, catalogue, personas, desk, clock):
    client.force_login(desk.acceptor)
    response = client.post(
        "/services/desk/assist", {"item": FOOD_LICENCE, "uscc": personas.organisation.uscc}
    )
    case_url = response["Location"]
    page = client.get(case_url).content.decode()
    assert "帮办确认" in page and personas.organisation.name in page
    pk = int(case_url.rstrip("/").split("/")[-1])
    client.post(f"/services/case/{pk}/assist/send")
    client.post(f"/services/case/{pk}/assist/confirm", {"code": _code()})
    assert Application.objects.get(pk=pk).assist_confirmed_at is not None
