"""LocalRegistry: lookups and REG-3 / REG-5 checks against the local register mirror."""

from __future__ import annotations

import csv
import random
from dataclasses import replace

import pytest
from django.db import OperationalError, connection
from django.test.utils import override_settings

from zhengwu.identifiers import generate
from zhengwu.integrations.loading import get_provider
from zhengwu.integrations.registry import (
    CheckField,
    FieldMismatch,
    MobileProblem,
    RegistryCheck,
    RegistryEntity,
    RegistryError,
    RegistryQuery,
    get_registry,
)
from zhengwu.integrations.registry.local import LocalRegistry
from zhengwu.registry.services.demo import HEADER, PERSONAS, persona_rows
from zhengwu.registry.services.importing import registry_import

pytestmark = pytest.mark.django_db

P = {p.key: p for p in PERSONAS}


@pytest.fixture
def registry(tmp_path) -> LocalRegistry:
    """The personas imported through registry_import, and the configured provider."""
    path = tmp_path / "personas.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(persona_rows())
    registry_import(path, report_path=tmp_path / "report.csv")
    provider = get_registry()
    assert isinstance(provider, LocalRegistry)
    return provider


def query_for(key: str, **changes: str) -> RegistryQuery:
    p = P[key]
    query = RegistryQuery(
        uscc=p.uscc,
        name=p.unit_name,
        legal_rep_name=p.legal_rep_name,
        legal_rep_id_number=p.legal_rep_id_number,
        legal_rep_id_type=p.legal_rep_id_type,
        mobile=p.mobile,
    )
    return replace(query, **changes)


def test_get_registry_returns_the_configured_provider():
    """get_registry() is the provider named by ZHENGWU_REGISTRY_BACKEND, shared."""
    assert get_registry() is get_provider("ZHENGWU_REGISTRY_BACKEND")
    path = "zhengwu.integrations.registry.local.LocalRegistry"
    with override_settings(ZHENGWU_REGISTRY_BACKEND=path):
        assert isinstance(get_registry(), LocalRegistry)


def test_lookup_returns_the_entity_with_masked_personal_data(registry):
    """lookup normalises the code and returns a dataclass; the ID number only masked."""
    entity = registry.lookup(" 91330106ma2kyun10r ")

    assert entity is not None
    assert (entity.uscc, entity.name, entity.status_label) == (
        "91330106MA2KYUN10R",
        "杭州云栖数智科技有限公司",
        "存续",
    )
    assert entity.entity_type_label == "有限责任公司"
    assert entity.legal_person_type == "enterprise"
    assert entity.requires_registered_mobile
    assert entity.legal_rep_id_number_masked == "330***********4517"
    assert entity.registered_phone == "13957101001"
    assert entity.registered_phone_masked == "139****1001"
    assert "330106198203154517" not in repr(entity)
    assert "13957101001" not in repr(entity)


def test_lookup_of_an_unknown_or_malformed_code_is_none(registry):
    """Not found is not an error."""
    assert registry.lookup("91330106MA2KYUN10X") is None
    assert registry.lookup("abc") is None


def test_matching_query_passes(registry):
    """Everything as registered: passed, no mismatch, mobile matches, no REG-5 problem."""
    check = registry.verify(query_for("company_legal_rep"))

    assert check.passed
    assert check.mismatches == ()
    assert check.mobile_matches is True
    assert check.mobile_problems == ()
    assert check.registered_mobile == "13957101001"
    assert check.status == "active"


def test_names_compare_after_normalisation(registry):
    """Full-width/half-width brackets and spaces, lower-case ID letters do not matter."""
    check = registry.verify(
        query_for(
            "company_legal_rep",
            uscc="91330106ma2kyun10r",
            name=" 杭州云栖数智科技 有限公司",
            legal_rep_name="王 建国",
        )
    )
    assert check.passed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "杭州云栖科技有限公司"}, CheckField.NAME, "单位名称与登记信息不一致"),
        ({"legal_rep_name": "王建军"}, CheckField.LEGAL_REP_NAME, "法定代表人信息实名认证失败"),
        (
            {"legal_rep_id_number": "330106199006222829"},
            CheckField.LEGAL_REP_ID_NUMBER,
            "法定代表人信息实名认证失败",
        ),
        ({"legal_rep_id_number": "不是号码"}, CheckField.LEGAL_REP_ID_NUMBER, "实名认证失败"),
        ({"legal_rep_id_type": "passport"}, CheckField.LEGAL_REP_ID_TYPE, "实名认证失败"),
    ],
)
def test_each_mismatching_field_is_reported(registry, changes, field, message):
    """Exactly the field that differs is reported, with a Chinese message naming it (REG-3)."""
    check = registry.verify(query_for("company_legal_rep", **changes))

    assert not check.passed
    assert check.failed_fields == (field,)
    assert message in check.mismatches[0].message


def test_several_mismatches_are_all_reported_in_form_order(registry):
    """Name, legal representative's name and ID number wrong: three mismatches."""
    check = registry.verify(
        query_for(
            "company_legal_rep",
            name="别的公司",
            legal_rep_name="李四",
            legal_rep_id_number="330106199006222829",
        )
    )
    assert check.failed_fields == ("name", "legal_rep_name", "legal_rep_id_number")


def test_unknown_uscc_fails_on_the_uscc_field(registry):
    """A code not in the register: not found, one mismatch (the page offers the manual
    channel beside it, ``RegistryCheckFailed.offers_manual_channel``)."""
    unknown = generate.uscc(random.Random(1), prefix="91", region="330106")
    check = registry.verify(query_for("company_legal_rep", uscc=unknown))

    assert (check.found, check.failed_fields) == (False, ("uscc",))
    assert "未在登记信息中查到" in check.mismatches[0].message
    assert check.mismatches[0].code == "registry.not_found"


@pytest.mark.parametrize(("key", "label"), [("deregistered", "注销"), ("revoked", "吊销")])
def test_deregistered_or_revoked_entity_fails(registry, key, label):
    """Everything matches but the entity is not 存续: it cannot register."""
    check = registry.verify(query_for(key))

    assert not check.passed
    assert check.failed_fields == ("status",)
    assert label in check.mismatches[0].message
    assert check.entity is not None and not check.entity.is_active


def test_legacy_15_digit_id_matches_its_18_digit_upgrade_and_is_flagged(registry):
    """The register holds 330106560712321; the applicant types 330106195607123211 (or the old
    number): REG-3 passes, REG-5 reports the legacy ID."""
    new = registry.verify(query_for("legacy_id", legal_rep_id_number="330106195607123211"))
    old = registry.verify(query_for("legacy_id", legal_rep_id_number="330106560712321"))

    assert new.passed and old.passed
    assert new.is_id_number_legacy
    assert [p.code for p in new.mobile_problems] == [MobileProblem.REGISTRY_LEGACY_ID]
    assert "15位" in new.mobile_problems[0].message


def test_landline_in_the_register_is_its_own_reg5_problem(registry):
    """The register's phone is a landline: flagged, not offered as the registered mobile."""
    check = registry.verify(query_for("landline"))

    assert check.passed  # REG-3 is fine
    assert check.is_phone_landline
    assert check.registered_mobile == ""
    assert check.mobile_matches is False
    assert [p.code for p in check.mobile_problems] == [MobileProblem.REGISTRY_LANDLINE]
    assert "固定电话" in check.mobile_problems[0].message


def test_mobile_differing_from_the_register(registry):
    """Another mobile: REG-5 mismatch naming the masked registered number."""
    check = registry.verify(query_for("company_legal_rep", mobile="13957100002"))

    assert check.passed
    assert check.mobile_matches is False
    assert [p.code for p in check.mobile_problems] == [MobileProblem.MISMATCH]
    assert "139****1001" in check.mobile_problems[0].message
    assert check.registered_mobile_masked == "139****1001"


def test_reg5_exemption_is_the_callers_decision(registry):
    """An agency's landline is reported, but the entity says REG-5 does not apply to it."""
    check = registry.verify(query_for("agency"))

    assert check.is_phone_landline
    assert check.entity is not None and not check.entity.requires_registered_mobile


def test_hk_permit_compares_on_the_lifelong_number(registry):
    """A HK/Macao permit with an issue count matches the register's 9-character number."""
    check = registry.verify(query_for("hk_legal_rep", legal_rep_id_number="H6021883101"))
    assert check.passed


def test_query_without_id_type_or_mobile(registry):
    """Without ID type the register's is used; without mobile nothing is compared."""
    check = registry.verify(query_for("company_legal_rep", legal_rep_id_type=None, mobile=None))

    assert check.passed
    assert check.mobile_matches is None
    assert check.mobile_problems == ()


def test_database_failure_is_a_transient_registry_error(registry):
    """A database error on the register's table becomes RegistryError(permanent=False)."""

    def unreachable(execute, sql, params, many, context):
        if "registry_marketentity" in sql:
            raise OperationalError("connection lost")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(unreachable), pytest.raises(RegistryError) as exc:
        registry.lookup(P["company_legal_rep"].uscc)
    assert exc.value.permanent is False
    assert exc.value.code == "registry.failed"


@pytest.mark.parametrize(
    ("legal_person_type", "required"),
    [
        ("enterprise", True),
        ("cooperative", True),  # 农专社: registered by market supervision (decision 0018)
        ("individual_business", True),
        ("social_organisation", False),
        ("agency", False),
        ("public_institution", False),
    ],
)
def test_reg5_applies_to_the_market_entities_cooperatives_included(legal_person_type, required):
    """REG-5 has one rule: seed 001 lists 企业、农专社、个体工商户 together and seed 003 (6)
    exempts only 社团法人、机关事业单位; the provider's verdict follows it."""
    from zhengwu.integrations.registry.base import registered_mobile_required

    assert registered_mobile_required(legal_person_type) is required
    entity = RegistryEntity(
        uscc="x",
        name="x",
        entity_type="x",
        entity_type_label="x",
        legal_person_type=legal_person_type,
        status="active",
        status_label="存续",
        region_code="",
        supervision_unit="",
        legal_rep_name="x",
        is_phone_landline=True,
    )
    problem = FieldMismatch(CheckField.MOBILE, "固定电话", MobileProblem.REGISTRY_LANDLINE)
    check = RegistryCheck(found=True, entity=entity, mobile_problems=(problem,))
    assert (check.mobile_refusal is problem) is required


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements")
def test_the_register_lookup_is_prepared_once_and_uses_the_primary_key(registry):
    """Step 1's register read (``_fetch_by_uscc``) is prepared on PostgreSQL (decision 0029):
    parsed and planned once per connection; its parameter is typed as the column
    (``character``), so the plan stays a primary-key index scan."""
    key = next(iter(P))
    for _ in range(2):
        assert registry.lookup(P[key].uscc) is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, parameter_types::text FROM pg_prepared_statements "
            'WHERE statement LIKE \'%%FROM "registry_marketentity" WHERE "uscc" = $1%%\''
        )
        prepared = cursor.fetchall()
        assert [types for _name, types in prepared] == ["{character}"]
        cursor.execute(f"EXPLAIN EXECUTE {prepared[0][0]}(%s)", [P[key].uscc])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_marketentity_pkey" in plan
