"""SVC-2 / SVC-2a, the applicant's side: draft, submit once, withdraw, 我的办件, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from zhengwu.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from zhengwu.core.workflow import history
from zhengwu.licences.models import Issuer, Licence
from zhengwu.licences.services import licence_issue
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices import services
from zhengwu.onlineservices.constants import Status
from zhengwu.onlineservices.formschema import FormInvalid
from zhengwu.onlineservices.models import Application
from zhengwu.onlineservices.selectors import applications_for_user
from zhengwu.registry.models import MarketEntity
from zhengwu.uploads.errors import UploadRejected

from .factories import FOOD_DATA, attach_all, jpeg_upload, submitted_case

pytestmark = pytest.mark.django_db


def _start(food_item, personas):
    return services.application_start(
        actor=personas.operator, item=food_item, organisation=personas.organisation
    )


def test_submit_makes_a_case_with_a_number_history_and_sms(food_item, personas, clock):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and len(case.number) == 16
    assert case.number.isdigit() and case.number[:8] == f"{services._today():%Y%m%d}"
    assert case.form_data["unit_name"] == personas.organisation.name  # known fact, not asked
    assert case.form_data["uscc"] == personas.organisation.uscc
    assert [(t.from_state, t.to_state) for t in history(case)] == [("draft", "submitted")]
    sms = SmsMessage.objects.get(template_code="application.submitted")
    assert case.number in sms.text


def test_two_submissions_of_one_draft_make_one_case(food_item, personas, clock):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    with pytest.raises(IllegalTransition):
        services.application_submit(actor=personas.operator, application=case, data=FOOD_DATA)
    assert Application.objects.exclude(status=Status.DRAFT).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_make_one_case(catalogue, personas, clock):
    from zhengwu.core.testing import race

    item = catalogue["340000-SCJG-XK-002"]
    draft = _start(item, personas)
    attach_all(draft, personas.operator)

    def submit():
        services.application_submit(actor=personas.operator, application=draft, data=FOOD_DATA)

    results = race(submit)
    assert sum(1 for r in results if r is None) == 1
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1


def test_a_missing_field_or_material_is_named_and_nothing_is_saved(food_item, personas, clock):
    draft = _start(food_item, personas)
    with pytest.raises(FormInvalid) as caught:
        services.application_submit(
            actor=personas.operator, application=draft, data={**FOOD_DATA, "premises": ""}
        )
    assert caught.value.field == "premises" and caught.value.message == "请填写经营场所"
    with pytest.raises(ValidationFailed) as caught:
        services.application_submit(actor=personas.operator, application=draft, data=FOOD_DATA)
    first = food_item.materials.first()
    assert caught.value.field == f"material_{first.pk}"
    assert caught.value.message == f"请提交{first.name}"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number is None


def test_a_file_that_is_not_what_it_claims_is_refused_by_content(food_item, personas):
    draft = _start(food_item, personas)
    material = food_item.materials.first()
    fake = SimpleUploadedFile("申请书.jpg", b"%PDF-1.7 pretending", content_type="image/jpeg")
    with pytest.raises(UploadRejected) as caught:
        services.application_attach_file(
            actor=personas.operator, application=draft, material_id=material.pk, file=fake
        )
    assert material.name in caught.value.message
    assert caught.value.field == f"material_{material.pk}"
    assert not draft.materials.exists()


def test_a_licence_in_my_licences_stands_in_for_the_material(food_item, personas, clock):
    """电子证照免提交: the unit's 营业执照 attaches from 我的证照 instead of an upload."""
    org = personas.organisation
    issuer = Issuer.objects.create(uscc="11341523AKKF2QXC6N", name="舒城县市场监督管理局")
    licence = licence_issue(
        issuer=issuer,
        licence_type="business_licence",
        holder_uscc=org.uscc,
        holder_name=org.name,
        issued_on=datetime.date(2020, 1, 1),
        source="staff",
        actor=None,
    )
    other = Licence.objects.create(
        identifier="x-other",
        licence_type="business_licence",
        number="other",
        holder_uscc="91330106MA2KYUN10R",
        holder_name="别人",
        issuer=issuer,
        issued_on=datetime.date(2020, 1, 1),
        valid_from=datetime.date(2020, 1, 1),
        source="staff",
    )
    draft = _start(food_item, personas)
    material = food_item.materials.get(name="营业执照")
    assert services.licences_for_material(application=draft, material=material) == [licence]
    with pytest.raises(ValidationFailed):
        services.application_attach_licence(
            actor=personas.operator, application=draft, material_id=material.pk, licence_id=other.pk
        )
    services.application_attach_licence(
        actor=personas.operator, application=draft, material_id=material.pk, licence_id=licence.pk
    )
    for m in food_item.materials.exclude(pk=material.pk):
        services.application_attach_file(
            actor=personas.operator, application=draft, material_id=m.pk, file=jpeg_upload()
        )
    services.application_submit(actor=personas.operator, application=draft, data=FOOD_DATA)
    assert draft.materials.get(material=material).licence == licence


def test_withdraw_before_acceptance_only(food_item, personas, clock, desk):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    services.application_withdraw(actor=personas.operator, application=case)
    assert Application.objects.get(pk=case.pk).status == Status.WITHDRAWN
    accepted = submitted_case(food_item, personas.operator, personas.organisation)
    services.application_accept(actor=desk.acceptor, application=accepted, version=1)
    with pytest.raises(IllegalTransition):
        services.application_withdraw(actor=personas.operator, application=accepted)


def test_a_deregistered_entity_cannot_apply(food_item, personas):
    org = personas.organisation
    MarketEntity.objects.create(
        uscc=org.uscc,
        name=org.name,
        entity_type="limited_company",
        legal_person_type="enterprise",
        status="deregistered",
        region_code=org.uscc[2:8],
        legal_rep_name="王建国",
        legal_rep_id_type="resident_id",
        legal_rep_id_number="330106198203154517",
        legal_rep_id_number_hash="0" * 64,
        registered_on=datetime.date(2019, 3, 18),
        row_hash="0" * 32,
    )
    with pytest.raises(PermissionDenied) as caught:
        _start(food_item, personas)
    assert caught.value.code == "application.entity_inactive" and "注销" in caught.value.message


def test_an_applicant_never_sees_another_units_case(client, food_item, personas, clock):
    case = submitted_case(food_item, personas.operator, personas.organisation)
    client.force_login(personas.outsider)
    assert client.get(f"/services/case/{case.pk}/").status_code == 404
    assert client.post(f"/services/case/{case.pk}/withdraw").status_code == 404
    assert client.get(f"/services/case/{case.pk}/decision.pdf").status_code == 404
    assert case not in applications_for_user(personas.outsider)
    # every member of the unit follows its cases (我的办件)
    assert case in applications_for_user(personas.legal_representative)


def test_a_legal_person_cannot_apply_for_a_stranger_unit(food_item, personas):
    from zhengwu.core.errors import NotFound

    with pytest.raises(NotFound):
        services.application_start(
            actor=personas.outsider, item=food_item, organisation=personas.organisation
        )


def test_the_form_pages_save_and_show_field_errors(client, food_item, personas, clock):
    client.force_login(personas.operator)
    response = client.post(
        f"/services/item/{food_item.code}/apply", {"organisation": personas.organisation.pk}
    )
    case_url = response["Location"]
    page = client.get(case_url).content.decode()
    assert personas.organisation.name in page and "已由系统根据登记信息填写" in page
    pk = int(case_url.rstrip("/").split("/")[-1])
    saved = client.post(f"/services/case/{pk}/save", {"action": "save", "premises": "梅河路"})
    assert saved.status_code == 302
    assert Application.objects.get(pk=pk).form_data["premises"] == "梅河路"
    bad = client.post(
        f"/services/case/{pk}/save", {**FOOD_DATA, "action": "submit", "contact_mobile": "12"}
    )
    assert bad.status_code == 400
    assert 'id="e_contact_mobile"' in bad.content.decode()
    mine = client.get("/services/mine/").content.decode()
    assert food_item.name in mine
