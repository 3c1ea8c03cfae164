"""The wizard consults the register only through the configured registry provider (REG-3, REG-5).

``ScriptedRegistry`` is a provider configured in settings that answers differently from the
local mirror: a wizard that read ``MarketEntity`` directly would fail every test here.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.test.utils import override_settings

from zhengwu.accounts.tests.factories import resident_id, uscc
from zhengwu.integrations.registry import (
    CheckField,
    FieldMismatch,
    MobileProblem,
    RegistryCheck,
    RegistryEntity,
    RegistryError,
    RegistryProvider,
    RegistryQuery,
)
from zhengwu.registrations.common.registry import registry_mobile_check
from zhengwu.registrations.errors import RegistryCheckFailed, RegistryMobileRefused
from zhengwu.registrations.tests.conftest import step1_data
from zhengwu.registrations.tests.factories import DraftFactory, MarketEntityFactory
from zhengwu.registrations.wizard import services
from zhengwu.registry.models import MarketEntity

pytestmark = pytest.mark.django_db

PATH = f"{__name__}.ScriptedRegistry"
REP_ID = resident_id(31415)
UNIT = RegistryEntity(
    uscc=uscc(2718),
    name="杭州只在服务里登记有限公司",
    entity_type="limited_company",
    entity_type_label="有限责任公司",
    legal_person_type="enterprise",
    status="active",
    status_label="存续",
    region_code="330106",
    supervision_unit="",
    legal_rep_name="王测试通过",
    legal_rep_id_type="resident_id",
    legal_rep_id_number_masked="",
    registered_phone="13957100001",
)


class ScriptedRegistry(RegistryProvider):
    """A remote register stand-in: knows ``UNIT`` (whose legal representative holds
    ``REP_ID``), or is down when ``down`` is set. Compares and words its verdicts like the
    real providers do (the provider's verdict is the wizard's, decision 0018)."""

    entity: RegistryEntity | None = UNIT
    down = False
    calls: list[str] = []

    def _get(self, code: str) -> RegistryEntity | None:
        self.calls.append(code)
        if self.down:
            raise RegistryError(permanent=False, provider_code="timeout")
        return self.entity if self.entity and code == self.entity.uscc else None

    def lookup(self, uscc: str) -> RegistryEntity | None:
        return self._get(uscc)

    def verify(self, query: RegistryQuery) -> RegistryCheck:
        entity = self._get(query.uscc)
        if entity is None:
            return RegistryCheck(
                found=False,
                mismatches=(FieldMismatch(CheckField.USCC, "不存在", "registry.not_found"),),
            )
        mismatches = []
        failed = "法定代表人信息实名认证失败"
        if query.legal_rep_name != entity.legal_rep_name:
            mismatches.append(
                FieldMismatch(CheckField.LEGAL_REP_NAME, failed, "registry.legal_rep_mismatch")
            )
        if query.legal_rep_id_number != REP_ID:
            mismatches.append(
                FieldMismatch(CheckField.LEGAL_REP_ID_NUMBER, failed, "registry.legal_rep_mismatch")
            )
        problems = []
        mobile = CheckField.MOBILE
        if query.mobile is not None:
            if entity.is_id_number_legacy:
                problems.append(FieldMismatch(mobile, "15位", MobileProblem.REGISTRY_LEGACY_ID))
            if entity.is_phone_landline:
                problems.append(FieldMismatch(mobile, "座机", MobileProblem.REGISTRY_LANDLINE))
            elif not entity.registered_phone:
                problems.append(FieldMismatch(mobile, "无", MobileProblem.REGISTRY_NO_PHONE))
            elif entity.registered_phone != query.mobile:
                masked = entity.registered_phone_masked
                problems.append(FieldMismatch(mobile, masked, MobileProblem.MISMATCH))
        return RegistryCheck(
            found=True, mismatches=tuple(mismatches), entity=entity, mobile_problems=tuple(problems)
        )


@pytest.fixture
def scripted():
    ScriptedRegistry.entity = UNIT
    ScriptedRegistry.down = False
    ScriptedRegistry.calls = []
    with override_settings(ZHENGWU_REGISTRY_BACKEND=PATH):
        yield ScriptedRegistry


def unit_data(**overrides):
    data = {
        "location": "in_province",
        "legal_person_type": "enterprise",
        "organisation_name": UNIT.name,
        "uscc": UNIT.uscc,
        "legal_rep_name": UNIT.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": REP_ID,
        "agreement_accepted": True,
    }
    return {**data, **overrides}


def test_step_1_accepts_a_unit_only_the_provider_knows(scripted):
    """REG-3: the mirror has no row for the unit; the configured provider confirms it."""
    assert not MarketEntity.objects.filter(pk=UNIT.uscc).exists()
    draft = services.registration_start(**unit_data())
    assert draft.uscc == UNIT.uscc
    assert UNIT.uscc in scripted.calls


def test_step_1_refuses_a_unit_only_the_mirror_knows(scripted, entity):
    """REG-3: a unit in the local mirror but not in the configured register is not found."""
    with pytest.raises(RegistryCheckFailed) as exc:
        services.registration_start(**step1_data(entity))
    assert exc.value.field == "uscc" and exc.value.code == "registry.not_found"


def test_the_provider_judges_the_legal_representative(scripted):
    """REG-3: the ID number comparison is the provider's (the failing field is named)."""
    with pytest.raises(RegistryCheckFailed) as exc:
        services.registration_start(**unit_data(legal_rep_id_number=resident_id(27182)))
    assert exc.value.field == "legal_rep_id_number"
    assert exc.value.message == "法定代表人信息实名认证失败"
    with pytest.raises(RegistryCheckFailed) as exc:
        services.registration_start(**unit_data(legal_rep_name="张三"))
    assert exc.value.field == "legal_rep_name"


def _mobile_check(draft, mobile):
    registry_mobile_check(
        services._organisation_of(draft), rep_number=draft.legal_rep_id_number, mobile=mobile
    )


def test_registry_mobile_comes_from_the_provider(scripted):
    """REG-5: the provider's registered mobile is the one step 2 must match; its landline,
    legacy-ID and no-phone cases each have their own error."""
    draft = DraftFactory(
        uscc=UNIT.uscc,
        legal_person_type="enterprise",
        legal_rep_name=UNIT.legal_rep_name,
        legal_rep_id_number=REP_ID,
    )
    with pytest.raises(RegistryMobileRefused) as exc:
        _mobile_check(draft, "13957100002")
    assert exc.value.code == "registry_mobile.differs" and "139****0001" in exc.value.message
    _mobile_check(draft, "13957100001")  # no error
    scripted.entity = replace(UNIT, registered_phone="0571-87654321", is_phone_landline=True)
    with pytest.raises(RegistryMobileRefused) as exc:
        _mobile_check(draft, "13957100001")
    assert exc.value.code == "registry_mobile.landline"
    scripted.entity = replace(UNIT, is_id_number_legacy=True)
    with pytest.raises(RegistryMobileRefused) as exc:
        _mobile_check(draft, "13957100001")
    assert exc.value.code == "registry_mobile.legacy_id"
    scripted.entity = replace(UNIT, registered_phone="")
    with pytest.raises(RegistryMobileRefused) as exc:
        _mobile_check(draft, "13957100001")
    assert exc.value.code == "registry_mobile.missing"


def test_agencies_are_exempt_whatever_the_provider_says(scripted):
    """REG-5: social organisations and agencies do not use the registry mobile (the provider
    is not even asked)."""
    scripted.entity = replace(UNIT, registered_phone="0571-87654321", is_phone_landline=True)
    for kind in ("agency", "social_organisation"):
        draft = DraftFactory(uscc=UNIT.uscc, legal_person_type=kind)
        _mobile_check(draft, "13957100009")  # no error
    assert scripted.calls == []


def test_unavailable_register_is_a_clear_error_in_the_service(scripted):
    """The register being down is a ZhengwuError with a Chinese message, retry allowed."""
    scripted.down = True
    with pytest.raises(RegistryError) as exc:
        services.registration_start(**unit_data())
    assert exc.value.code == "registry.failed" and not exc.value.permanent
    assert "登记信息暂时无法核验" in exc.value.message


def test_unavailable_register_on_the_page_is_a_form_error_not_a_500(scripted, client):
    """Step 1 page: the message is shown on the form (200), nothing is saved."""
    scripted.down = True
    data = {**unit_data(), "agreement": "on", "captcha_0": "x", "captcha_1": "PASSED"}
    response = client.post("/register/", data)
    assert response.status_code == 200
    assert "市场主体登记信息暂时无法核验，请稍后再试" in response.content.decode()
    assert not services.RegistrationDraft.objects.exists()


def test_unavailable_register_in_the_api_keeps_the_error_contract(scripted, client):
    """Step 1 API: {code, message, field} with the provider's gateway status, not a 500."""
    scripted.down = True
    response = client.post("/api/v1/registrations/", unit_data(), content_type="application/json")
    assert response.status_code == 502
    assert response.json() == {
        "code": "registry.failed",
        "message": "市场主体登记信息暂时无法核验，请稍后再试",
        "field": None,
    }


def test_step_1_consults_the_register_once(scripted):
    """One ``verify`` answers REG-3 whole (name, status, legal representative): one round trip."""
    services.registration_start(**unit_data())
    assert scripted.calls == [UNIT.uscc]


def test_register_outage_does_not_block_the_approval_sms_fallback(scripted):
    """REG-7: the register's mobile is only a fallback recipient for a unit without approvers;
    the register being down leaves the recipients empty instead of failing the submission."""
    from zhengwu.accounts.tests.factories import OrganisationFactory

    organisation = OrganisationFactory(uscc=UNIT.uscc)
    scripted.down = True
    assert services._approval_request_mobiles(organisation=organisation) == []
    scripted.down = False
    assert services._approval_request_mobiles(organisation=organisation) == ["13957100001"]


def test_the_local_provider_row_reads_as_the_orm_reads_it(db):
    """``LocalRegistry`` fetches a register row with a statement and converters planned once
    per connection (integrations/registry/local.py): every field equals an ORM read — the
    decrypted ID number and phone, the date, the booleans — on SQLite and PostgreSQL."""
    from django.db import connections

    from zhengwu.integrations.registry import local
    from zhengwu.registry.models import MarketEntity

    entity = MarketEntityFactory(is_phone_landline=True)
    first = local._fetch_by_uscc(entity.uscc)
    again = local._fetch_by_uscc(entity.uscc)
    orm = MarketEntity.objects.get(pk=entity.uscc)
    for field in MarketEntity._meta.concrete_fields:
        assert getattr(first, field.attname) == getattr(orm, field.attname), field.name
        assert getattr(again, field.attname) == getattr(orm, field.attname), field.name
    assert first.registered_on == datetime.date(2015, 6, 1)
    assert first.is_phone_landline is True and first._state.adding is False
    assert connections["default"] in local._plans  # planned once per connection, then reused
    assert local._fetch_by_uscc(uscc(999_999, "91")) is None
