"""Demo data: reproducible, valid, plausible; personas; the sandbox-only superuser."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from zhengwu.identifiers import mobile, resident_id, uscc
from zhengwu.registry.constants import EntityType, parse_entity_type
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.demo import PERSONAS, demo_data_load, generate_rows


def test_same_seed_same_rows_other_seed_other_rows():
    """generate_rows is deterministic for a seed."""
    assert list(generate_rows(300, seed=5)) == list(generate_rows(300, seed=5))
    assert list(generate_rows(50, seed=5)) != list(generate_rows(50, seed=6))


def test_generated_rows_are_plausible():
    """All types present, mostly Zhejiang, mostly 存续, codes agree with the type, a few
    landlines and legacy IDs, individual businesses named like shops."""
    rows = list(generate_rows(3000, seed=2026))
    types = Counter(parse_entity_type(r[2]) for r in rows)
    assert set(types) == set(EntityType.values)
    assert types[EntityType.INDIVIDUAL_BUSINESS] > types[EntityType.LIMITED_COMPANY] > 500
    assert sum(r[4].startswith("33") for r in rows) / len(rows) > 0.9
    assert Counter(r[3] for r in rows).most_common(1)[0][0] == "存续"
    assert all(uscc.is_valid(r[0]) for r in rows)
    assert len({r[0] for r in rows}) == len(rows)
    assert any(mobile.is_landline(r[9]) for r in rows)
    assert any(resident_id.is_legacy_15(r[8]) for r in rows)
    shops = [r[1] for r in rows if r[2] == "个体工商户"]
    assert all(name.endswith(("店", "馆", "铺", "部", "超市")) for name in shops)
    assert any(name.startswith("杭州市") for name in shops)
    assert all("市场监督管理局" in r[5] for r in rows if r[2] == "有限责任公司")


def test_personas_are_valid_and_distinct():
    """Every persona's codes and numbers are valid; keys are unique."""
    assert len({p.key for p in PERSONAS}) == len(PERSONAS)
    for p in PERSONAS:
        assert uscc.is_valid(p.uscc), p.key
        assert mobile.is_valid(p.mobile), p.key
        if p.person_id_number:
            assert resident_id.is_valid(p.person_id_number), p.key


def test_no_persona_mobile_is_a_sandbox_failure_number():
    """The mobiles `make run` prints receive their codes first time: none ends in a failure
    suffix of the sandbox SMS gateway (…0000 empty, …0001 first attempt fails, …0002 busy)."""
    from zhengwu.integrations.sms.sandbox import FAILURE_SUFFIXES, is_failure_number

    assert set(FAILURE_SUFFIXES) == {"0000", "0001", "0002"}
    mobiles = {p.registered_phone for p in PERSONAS} | {
        p.person_mobile for p in PERSONAS if p.person_mobile
    }
    assert mobiles
    bad = sorted(m for m in mobiles if is_failure_number(m))
    assert not bad, f"persona mobiles that the sandbox fails: {bad}"


@pytest.mark.django_db
def test_demo_data_loads_through_the_import_and_is_reproducible():
    """Personas + generated rows are imported; a second load with the seed changes nothing."""
    first = demo_data_load(count=60, seed=11, workers=0)
    uscc_before = set(MarketEntity.objects.values_list("uscc", "name", "row_hash"))

    again = demo_data_load(count=60, seed=11, workers=0)

    assert first.inserted == MarketEntity.objects.count() == 60 + 11
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 71)
    assert set(MarketEntity.objects.values_list("uscc", "name", "row_hash")) == uscc_before


@pytest.mark.django_db
def test_if_empty_does_nothing_when_entities_exist():
    """--if-empty keeps existing data (make run re-runs)."""
    call_command("demo_data", count=5, workers=0, stdout=io.StringIO())
    count = MarketEntity.objects.count()
    out = io.StringIO()

    call_command("demo_data", count=50, if_empty=True, workers=0, stdout=out)

    assert MarketEntity.objects.count() == count
    assert "未生成演示数据" in out.getvalue()


@pytest.mark.django_db
def test_demo_superuser_only_in_sandbox(settings):
    """The superuser admin is created in sandbox mode with the configured password, and not
    otherwise."""
    settings.ZHENGWU_SANDBOX = False
    demo_data_load(count=1, workers=0)
    users = get_user_model().objects
    assert not users.filter(username="admin").exists()

    settings.ZHENGWU_SANDBOX = True
    with override_settings(ZHENGWU_DEMO_PASSWORD="Another@2026"):
        result = demo_data_load(count=1, workers=0)
    admin = users.get(username="admin")
    assert result.admin_created and admin.is_superuser
    assert admin.check_password("Another@2026")


@pytest.mark.django_db
def test_demo_personas_prints_the_table_and_refuses_outside_the_sandbox(settings):
    """The personas in full with the admin credentials; refused when the sandbox is off."""
    call_command("demo_data", count=0, workers=0, stdout=io.StringIO())
    out = io.StringIO()

    call_command("demo_personas", stdout=out)

    text = out.getvalue()
    for p in PERSONAS:
        assert p.uscc in text and p.id_number in text and p.mobile in text
    assert "用户名 admin" in text and "Zhengwu@2026" in text
    settings.ZHENGWU_SANDBOX = False
    with pytest.raises(CommandError, match="沙箱"):
        call_command("demo_personas", stdout=io.StringIO())
