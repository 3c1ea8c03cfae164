"""Step 1 信息认证: REG-1 fields and normalisation, REG-2 prefix/type, REG-3 registry check."""

import pytest

from zhengwu.core.errors import ValidationFailed
from zhengwu.registrations.errors import RegistryCheckFailed
from zhengwu.registrations.models import RegistrationDraft
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db


def test_valid_unit_starts_a_draft_with_normalised_values(start, entity):
    """REG-1: USCC and ID numbers are stripped of spaces and upper-cased before checking."""
    messy_uscc = " ".join(entity.uscc.lower()[i : i + 6] for i in range(0, 18, 6))
    number = entity.legal_rep_id_number
    draft = start(uscc=messy_uscc, legal_rep_id_number=f" {number[:9]} {number[9:].lower()} ")
    assert draft.uscc == entity.uscc
    assert draft.legal_rep_id_number == number
    assert draft.step == "user"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation_name", " ", "请填写单位名称"),
        ("uscc", "", "请填写统一社会信用代码"),
        ("legal_rep_name", "", "请填写法定代表人"),
        ("legal_rep_id_number", "", "请填写法定代表人证件号码"),
        ("legal_rep_id_number", "330106199001011235", "法定代表人证件号码"),
        ("legal_person_type", "", "请选择法人类型"),
        ("location", "", "请选择单位登记所在地"),
        ("agreement_accepted", False, "请阅读并同意《用户注册协议》"),
    ],
)
def test_each_field_is_required_and_named(start, field, value, message):
    """REG-1: every field validated with a Chinese message naming the field."""
    with pytest.raises(ValidationFailed) as exc:
        start(**{field: value})
    key = "agreement" if field == "agreement_accepted" else field
    assert exc.value.field == key
    assert message in exc.value.message
    assert not RegistrationDraft.objects.exists()


def test_uscc_check_character_is_validated(start, entity):
    """REG-2: the GB 32100 check character."""
    wrong = entity.uscc[:17] + ("0" if entity.uscc[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        start(uscc=wrong)
    assert exc.value.field == "uscc" and "校验位" in exc.value.message


def test_uscc_prefix_must_fit_the_type_and_names_the_expected_type(start):
    """REG-2: a 91 code with 个体工商户 chosen names the field and the expected prefix 92."""
    with pytest.raises(ValidationFailed) as exc:
        start(legal_person_type="individual_business")
    assert exc.value.field == "uscc"
    assert exc.value.code == "uscc.legal_person_type"
    assert "个体工商户" in exc.value.message and "92" in exc.value.message


@pytest.mark.parametrize("location", ["out_of_province", "outside_mainland"])
def test_other_locations_are_sent_to_the_manual_channel(start, location):
    """SPEC §1: only in-province units take the automatic path here."""
    with pytest.raises(ValidationFailed) as exc:
        start(location=location)
    assert exc.value.code == "registration.manual_channel"


def test_unit_unknown_to_the_register_fails_on_uscc(start, entity):
    """REG-3: the failed field is named and the manual channel is offered."""
    from zhengwu.registry.models import MarketEntity

    MarketEntity.objects.filter(pk=entity.pk).delete()
    with pytest.raises(RegistryCheckFailed) as exc:
        start()
    assert exc.value.field == "uscc" and exc.value.offers_manual_channel


def test_name_mismatch_fails_on_the_name(start):
    """REG-3: 单位名称 is named."""
    with pytest.raises(RegistryCheckFailed) as exc:
        start(organisation_name="别的公司")
    assert exc.value.field == "organisation_name"
    assert "单位名称实名认证失败" in exc.value.message


def test_legal_rep_name_mismatch(start):
    """REG-3: 法定代表人信息实名认证失败, on the name field."""
    with pytest.raises(RegistryCheckFailed) as exc:
        start(legal_rep_name="张三")
    assert exc.value.message == "法定代表人信息实名认证失败"
    assert exc.value.field == "legal_rep_name"


def test_legal_rep_id_mismatch(start):
    """REG-3: a valid but different ID number fails on the ID field."""
    from zhengwu.accounts.tests.factories import resident_id

    with pytest.raises(RegistryCheckFailed) as exc:
        start(legal_rep_id_number=resident_id(1))
    assert exc.value.message == "法定代表人信息实名认证失败"
    assert exc.value.field == "legal_rep_id_number"


def test_deregistered_unit_cannot_register(start, entity):
    """REG-3: only an active (存续) unit registers."""
    from zhengwu.registry.constants import Status

    inactive = next(s for s in Status if s != Status.ACTIVE)
    entity.status = inactive.value
    entity.save()
    with pytest.raises(RegistryCheckFailed) as exc:
        start()
    assert exc.value.code == "registry.inactive" and inactive.label in exc.value.message


def test_legacy_15_digit_register_number_matches_the_18_digit_form(db):
    """The register may hold the 15-digit form; the person types the 18-digit one."""
    from zhengwu import identifiers
    from zhengwu.registrations.tests.conftest import step1_data
    from zhengwu.registrations.wizard import services

    entity = MarketEntityFactory(legal_rep_id_number="330106800101123", is_id_number_legacy=True)
    upgraded = identifiers.resident_id.upgrade_15_to_18("330106800101123")
    draft = services.registration_start(**step1_data(entity, legal_rep_id_number=upgraded))
    assert draft.legal_rep_id_number == upgraded
