"""HK/Macao and Taiwan travel permits, PRC passports, foreign permanent resident IDs."""

from __future__ import annotations

import datetime
import random
import string

import pytest
from hypothesis import given, settings
from stdnum.cn import ric as stdnum_ric

from zhengwu.identifiers import (
    InvalidIdentifier,
    foreign_pr,
    generate,
    hkmo_permit,
    passport,
    resident_id,
    tw_permit,
)
from zhengwu.identifiers._checks import icao_731_check

from ._strategies import rngs, substitutions, transpositions

TODAY = datetime.date(2026, 11, 23)


# --- 港澳居民来往内地通行证 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "key", "region"),
    [
        ("H12345678", "H12345678", "H12345678", "hong_kong"),
        ("h 1234 5678", "H12345678", "H12345678", "hong_kong"),
        ("M1234567801", "M1234567801", "M12345678", "macao"),
        ("H12345678-02", "H1234567802", "H12345678", "hong_kong"),
        ("HA1234567", "HA1234567", "HA1234567", "hong_kong"),  # 非中国籍, since 2024-07
        ("MA1234567", "MA1234567", "MA1234567", "macao"),
    ],
)
def test_hkmo_valid(raw: str, expected: str, key: str, region: str) -> None:
    assert hkmo_permit.validate(raw) == expected
    assert hkmo_permit.person_key(raw) == key
    assert hkmo_permit.region(raw) == region


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("K12345678", "hkmo_permit.prefix"),
        ("H1234567", "hkmo_permit.format"),
        ("H123456789", "hkmo_permit.format"),
        ("HA12345678", "hkmo_permit.format"),
        ("HB1234567", "hkmo_permit.format"),
    ],
)
def test_hkmo_invalid(raw: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        hkmo_permit.validate(raw)
    assert info.value.code == code
    assert "港澳居民来往内地通行证" in info.value.message
    assert not hkmo_permit.is_valid(raw)


# --- 台湾居民来往大陆通行证 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "key"),
    [
        ("12345678", "12345678", "12345678"),
        ("0561682001(D)", "0561682001(D)", "05616820"),
        ("0561682001（d）", "0561682001(D)", "05616820"),
        ("0561682001", "0561682001", "05616820"),
    ],
)
def test_tw_valid(raw: str, expected: str, key: str) -> None:
    assert tw_permit.validate(raw) == expected
    assert tw_permit.person_key(raw) == key


@pytest.mark.parametrize(
    "raw", ["1234567", "123456789", "T1234567", "0561682001(DD)", "12345678(D)"]
)
def test_tw_invalid(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        tw_permit.validate(raw)
    assert info.value.code == "tw_permit.format"
    assert not tw_permit.is_valid(raw)


# --- 护照 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["E12345678", "EA1234567", "EH1234567", "G12345678", "1412345678"[:9], "151234567",
     "PE1234567", "SE1234567", "DE1234567", "P12345678", "K12345678", "KJ1234567",
     "H12345678", "MA1234567", "MB1234567"],
)  # fmt: skip
def test_passport_valid(number: str) -> None:
    assert passport.validate(number.lower()) == number


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("E1234567", "passport.length"),
        ("E123456789", "passport.length"),
        ("X12345678", "passport.format"),
        ("GA1234567", "passport.format"),
        ("161234567", "passport.format"),
    ],
)
def test_passport_invalid(number: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        passport.validate(number)
    assert info.value.code == code
    assert "护照号码" in info.value.message


# --- 外国人永久居留身份证 -------------------------------------------------------------------------


def test_icao_check_digits() -> None:
    assert icao_731_check("L898902C3") == "6"  # ICAO Doc 9303 specimen
    assert icao_731_check("KAZ11009012310") == "5"


@pytest.mark.parametrize("number", ["911840198001010013", "KAZ110090123105", "kaz 1100 901231 05"])
def test_foreign_pr_valid(number: str) -> None:
    assert foreign_pr.validate(number, today=TODAY) == number.upper().replace(" ", "")


def test_foreign_pr_birth_date_and_form() -> None:
    assert foreign_pr.birth_date("911840198001010013") == datetime.date(1980, 1, 1)
    assert foreign_pr.is_legacy_15("KAZ110090123105")
    assert not foreign_pr.is_legacy_15("911840198001010013")
    with pytest.raises(InvalidIdentifier) as info:
        foreign_pr.birth_date("KAZ110090123105")
    assert info.value.code == "foreign_pr.legacy_birth_date"


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("91184019800101001", "foreign_pr.length", "实际为 17 位"),
        ("11010519491231002X", "foreign_pr.prefix", "应以 9 开头"),
        ("999840198001010013", "foreign_pr.region", "“99”"),
        ("911840198002300013", "foreign_pr.birth_date", "“19800230”"),
        ("911840203001010013", "foreign_pr.birth_date", "“20300101”"),
        ("911840198001010014", "foreign_pr.check_digit", "应为 3，实际为 4"),
        ("KA2110090123105", "foreign_pr.char", "第 3 位应为大写英文字母"),
        ("KAZ990090123105", "foreign_pr.region", "“9900”"),
        ("KAZ110090023105", "foreign_pr.birth_date", "“900231”"),
        ("KAZ110090123106", "foreign_pr.check_digit", "应为 5，实际为 6"),
    ],
)
def test_foreign_pr_invalid(number: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        foreign_pr.validate(number, today=TODAY)
    assert info.value.code == code
    assert fragment in info.value.message, info.value.message
    assert not foreign_pr.is_valid(number, today=TODAY)


def test_foreign_pr_old_form_century_is_either() -> None:
    """YYMMDD carries no century: 000229 is real (2000-02-29), 010229 is not (1901, 2001)."""
    first14 = "USA1100000229" + "1"
    assert foreign_pr.is_valid(first14 + icao_731_check(first14), today=TODAY)
    first14 = "USA1100010229" + "1"  # neither 1901 nor 2001 is a leap year
    assert not foreign_pr.is_valid(first14 + icao_731_check(first14), today=TODAY)


def test_resident_id_points_foreign_numbers_to_their_own_type() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        resident_id.validate("911840198001010013", today=TODAY)
    assert info.value.code == "resident_id.foreign_permanent_resident"


def test_divergence_stdnum_ric_rejects_the_2023_form() -> None:
    assert not stdnum_ric.is_valid("911840198001010013")


@settings(max_examples=300)
@given(rngs)
def test_generated_values_validate(rng: random.Random) -> None:
    for number in (generate.foreign_pr(rng), generate.foreign_pr(rng, legacy=True)):
        assert foreign_pr.validate(number, today=TODAY) == number
    assert hkmo_permit.is_valid(generate.hkmo_permit(rng))
    assert tw_permit.is_valid(generate.tw_permit(rng))
    assert passport.is_valid(generate.passport(rng))


@settings(max_examples=200)
@given(rngs)
def test_2023_form_catches_every_substitution_and_transposition(rng: random.Random) -> None:
    number = generate.foreign_pr(rng)
    wrong = (
        substitutions(number, string.digits, range(17))
        + substitutions(number, string.digits + "X", range(17, 18))
        + transpositions(number)
    )
    for candidate in wrong:
        assert not foreign_pr.is_valid(candidate, today=TODAY), candidate
