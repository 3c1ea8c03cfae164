"""SVC-2: forms as data, checked on the server with field-exact Chinese messages."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import ValidationFailed
from zhengwu.onlineservices.demo import FOOD_LICENCE_FORM
from zhengwu.onlineservices.formschema import FormInvalid, check_schema, clean_form

from .factories import FOOD_DATA

KNOWN = {
    "organisation.name": "舒城县梅河食品店",
    "organisation.uscc": "92341523MAPPRB0457",
    "organisation.legal_rep_name": "张三",
}


def test_a_valid_form_is_kept_with_known_facts_from_the_server():
    data = {**FOOD_DATA, "unit_name": "我改的名字"}  # a prefilled field cannot be changed
    cleaned = clean_form(FOOD_LICENCE_FORM, data, known=KNOWN)
    assert cleaned["unit_name"] == "舒城县梅河食品店"
    assert cleaned["legal_rep"] == "张三"
    assert cleaned["premises"] == FOOD_DATA["premises"]
    assert "website" not in cleaned  # conditional field not shown


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"premises": ""}, "premises", "请填写经营场所"),
        ({"contact_mobile": "1234"}, "contact_mobile", "联系人手机号："),
        ({"safety_officer_id": "110101199003074259"}, "safety_officer_id", "管理人员身份证号："),
        ({"business_form": "批发"}, "business_form", "主体业态请从可选项中选择"),
        ({"online_sales": "是"}, "website", "请填写网站或网店地址"),
    ],
)
def test_a_wrong_field_is_named(changes, field, message):
    with pytest.raises(FormInvalid) as caught:
        clean_form(FOOD_LICENCE_FORM, {**FOOD_DATA, **changes}, known=KNOWN)
    assert caught.value.field == field
    assert caught.value.errors[field].startswith(message)


def test_every_wrong_field_is_listed_at_once():
    with pytest.raises(FormInvalid) as caught:
        clean_form(FOOD_LICENCE_FORM, {}, known=KNOWN)
    assert {"contact_mobile", "premises", "business_scope", "safety_officer"} <= set(
        caught.value.errors
    )


def test_a_draft_skips_the_required_check_but_not_a_wrong_value():
    assert clean_form(FOOD_LICENCE_FORM, {"premises": "某处"}, known=KNOWN, partial=True)
    with pytest.raises(FormInvalid):
        clean_form(FOOD_LICENCE_FORM, {"contact_mobile": "1"}, known=KNOWN, partial=True)


@pytest.mark.parametrize(
    "schema",
    [
        {"name": "x"},
        [{"name": "1x", "label": "甲"}],
        [{"name": "a", "label": "甲", "type": "colour"}],
        [{"name": "a", "label": "甲", "type": "choice"}],
        [{"name": "a", "label": "甲", "show_if": {"field": "b", "equals": "1"}}],
        [{"name": "a", "label": "甲", "prefill": "user.password"}],
        [{"name": "a", "label": "甲"}, {"name": "a", "label": "乙"}],
    ],
)
def test_a_malformed_schema_is_refused(schema):
    with pytest.raises(ValidationFailed) as caught:
        check_schema(schema)
    assert caught.value.field == "form_schema"
