"""Citizen identity numbers (GB 11643-1999), residence permits, and stdnum divergences."""

from __future__ import annotations

import datetime
import random
import string

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

from zhengwu.identifiers import InvalidIdentifier, generate, resident_id

from ._strategies import rngs, substitutions, transpositions

TODAY = datetime.date(2026, 11, 23)
# GB 11643-1999's own examples.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


def _error(s: object, **kwargs: object) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as info:
        resident_id.validate(s, today=TODAY, **kwargs)
    assert not resident_id.is_valid(s, today=TODAY)
    return info.value


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_standard_examples_are_valid(number: str) -> None:
    assert resident_id.validate(number, today=TODAY) == number
    assert resident_id.check_character(number[:17]) == number[17]


def test_weights() -> None:
    from zhengwu.identifiers._checks import MOD11_2_WEIGHTS

    assert MOD11_2_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert resident_id.validate(" 110105 19491231 002x ", today=TODAY) == "11010519491231002X"


def test_parts() -> None:
    assert resident_id.birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert resident_id.sex("11010519491231002X") == "female"
    assert resident_id.sex("440524188001010014") == "male"
    assert resident_id.birth_date("110105491231002") == datetime.date(1949, 12, 31)
    assert resident_id.sex("110105491231002") == "female"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("110105491231002", "11010519491231002X"),
        ("440524800101001", "440524198001010013"),
        ("330102850615002", "330102198506150024"),
    ],
)
def test_upgrade_15_to_18(old: str, new: str) -> None:
    assert resident_id.is_legacy_15(old)
    assert resident_id.upgrade_15_to_18(old) == new
    assert not resident_id.is_legacy_15(new)


def test_upgrade_with_century_18() -> None:
    assert resident_id.upgrade_15_to_18("440524800101001", century=18) == "440524188001010014"
    with pytest.raises(ValueError):
        resident_id.upgrade_15_to_18("440524800101001", century=20)


@pytest.mark.parametrize("old", ["11010549123100", "110105491331002", "000105491231002", 15])
def test_is_legacy_15_refuses_malformed(old: object) -> None:
    assert not resident_id.is_legacy_15(old)


def test_fifteen_digits_get_an_upgrade_hint() -> None:
    """REG-5: a 15-digit legacy number is its own, actionable error."""
    exc = _error("110105491231002")
    assert exc.code == "resident_id.legacy_15"
    assert "15 位" in exc.message and "18 位" in exc.message
    assert "110105" not in exc.message  # no ID numbers in messages (they get logged)
    assert exc.params["upgraded"] == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("1101051949123100", "resident_id.length", "实际为 16 位"),
        ("1101051949123100X2", "resident_id.char", "第 17 位字符“X”"),
        ("11010519491231002Y", "resident_id.char", "第 18 位字符“Y”不允许，应为数字或 X"),
        ("911840198001010013", "resident_id.foreign_permanent_resident", "外国人永久居留身份证"),
        ("001051949123100200", "resident_id.region", "“00”不是有效的省级行政区划代码"),
        ("161051949123100200", "resident_id.region", "“16”"),
        ("810100199001010014", "resident_id.permit_region", "前 6 位应为 810000"),
        ("830100199001010014", "resident_id.permit_region", "台湾居民居住证"),
        ("110105194902300012", "resident_id.birth_date", "“19490230”不是有效日期"),
        ("110105179912310016", "resident_id.birth_date_too_early", "早于 1800 年"),
        ("110105202611240010", "resident_id.birth_date_future", "晚于今天"),
        ("110105194912310021", "resident_id.check_digit", "应为 X，实际为 1"),
    ],
)
def test_each_failure_has_its_code_and_chinese_message(
    number: str, code: str, fragment: str
) -> None:
    exc = _error(number)
    assert exc.code == code
    assert fragment in exc.message, exc.message


def test_check_digit_message_names_expected_character() -> None:
    exc = _error("110105194912310020")
    assert "校验位（第 18 位）应为 X" in exc.message
    assert exc.params == {"position": 18, "expected": "X", "actual": "0"}


def test_born_today_is_valid_and_tomorrow_is_not() -> None:
    assert resident_id.is_valid("110105202611230015", today=TODAY)
    assert not resident_id.is_valid("110105202611240010", today=TODAY)


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False)
def test_default_today_is_the_local_date() -> None:
    assert resident_id.is_valid("110105202611230015")
    assert not resident_id.is_valid("110105202611240010")


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("810000199001010019", "hong_kong"),
        ("820000199001010029", "macao"),
        ("830000199001010012", "taiwan"),
        ("11010519491231002X", None),
    ],
)
def test_residence_permits(number: str, region: str | None) -> None:
    assert resident_id.validate(number, today=TODAY) == number
    assert resident_id.residence_permit_region(number) == region


def test_taiwan_province_code_71_is_accepted() -> None:
    assert resident_id.is_valid("710000199001010015", today=TODAY)


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(InvalidIdentifier):
        resident_id.check_character("1101051949")


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300)
@given(rngs)
def test_generated_numbers_validate(rng: random.Random) -> None:
    for number in (generate.resident_id(rng), generate.residence_permit(rng)):
        assert resident_id.validate(number, today=TODAY) == number


@settings(max_examples=200)
@given(rngs)
def test_every_substitution_and_adjacent_transposition_is_caught(rng: random.Random) -> None:
    number = generate.resident_id(rng)
    wrong = (
        substitutions(number, string.digits, range(17))
        + substitutions(number, string.digits + "X", range(17, 18))
        + transpositions(number)
    )
    for candidate in wrong:
        assert not resident_id.is_valid(candidate, today=TODAY), candidate


@settings(max_examples=300)
@given(rngs)
def test_generated_legacy_numbers_upgrade(rng: random.Random) -> None:
    old = generate.resident_id_15(rng)
    assert resident_id.is_legacy_15(old)
    new = resident_id.upgrade_15_to_18(old, today=TODAY)
    assert new[:6] + new[8:17] == old
    assert resident_id.birth_date(new) == resident_id.birth_date(old)


# --- python-stdnum as an oracle, and where it is wrong ----------------------------------------


@settings(max_examples=300)
@given(rngs)
def test_stdnum_accepts_generated_numbers(rng: random.Random) -> None:
    """Counties that exist since 2000 at the latest, people born since 2001: stdnum's domain."""
    number = generate.resident_id(
        rng, start=datetime.date(2001, 1, 1), end=datetime.date(2020, 12, 31)
    )
    assert stdnum_ric.is_valid(number)


@settings(max_examples=300)
@given(st.text(alphabet=string.digits, min_size=17, max_size=17))
def test_stdnum_computes_the_same_check_character(body: str) -> None:
    assert resident_id.check_character(body) == stdnum_ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    "number",
    [
        "440524188001010014",  # the standard's own example: 潮阳县 is listed only for 1983-1993
        "440524198001010013",  # the same county, born 1980
        "810000199001010019",  # residence permits: no such "county" in stdnum's database
        "820000199001010029",
        "830000199001010012",
    ],
)
def test_divergence_stdnum_rejects_genuine_numbers(number: str) -> None:
    assert resident_id.is_valid(number, today=TODAY)
    assert not stdnum_ric.is_valid(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105209912310010", "resident_id.birth_date_future"),
        ("110105000101010017", "resident_id.birth_date_too_early"),
        ("110105179912310016", "resident_id.birth_date_too_early"),
    ],
)
def test_divergence_stdnum_accepts_implausible_birth_dates(number: str, code: str) -> None:
    assert stdnum_ric.is_valid(number)
    assert _error(number).code == code
