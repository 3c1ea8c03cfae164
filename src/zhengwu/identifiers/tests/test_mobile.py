"""Mainland mobile numbers and landlines (SPEC REG-4, REG-5)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from zhengwu.identifiers import InvalidIdentifier, generate, mobile

from ._strategies import rngs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("(+86) 138.0013.8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("19212345678", "19212345678"),  # 中国广电
        ("16512345678", "16512345678"),  # MVNO block
        ("16101234567", "16101234567"),  # 1610x
        ("17405123456", "17405123456"),  # 17400-17405 satellite
        ("14512345678", "14512345678"),
    ],
)
def test_valid_mobiles(raw: str, expected: str) -> None:
    assert mobile.validate(raw) == expected
    assert mobile.is_valid(raw)
    assert mobile.kind(raw) == "mobile"


@pytest.mark.parametrize(
    "number",
    [
        "14012345678",  # data/IoT
        "14612345678",
        "14912345678",
        "15412345678",
        "16012345678",
        "16112345678",  # 161 except 1610x
        "16312345678",
        "16812345678",
        "17412345678",  # 174 except 17400-17405
        "17406123456",
        "17912345678",
        "19412345678",
        "12012345678",
    ],
)
def test_non_voice_segments_are_refused(number: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        mobile.validate(number)
    assert info.value.code == "mobile.segment"
    assert number[:3] in info.value.message
    assert not mobile.is_valid(number)


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("1380013800", "mobile.length", "实际为 10 位"),
        ("138001380000", "mobile.length", "实际为 12 位"),
        ("1380013800O", "mobile.char", "第 11 位为“O”"),
        ("0571-87654321", "mobile.landline", "是固定电话号码"),
        ("87654321", "mobile.landline", "请填写 11 位手机号码"),
        ("23800138000", "mobile.segment", "“238”不是有效的手机号段"),
    ],
)
def test_each_failure_has_its_code_and_chinese_message(raw: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        mobile.validate(raw)
    assert info.value.code == code
    assert fragment in info.value.message, info.value.message


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("(0571)87654321", "0571-87654321"),
        ("（０５７１）８７６５４３２１", "0571-87654321"),
        ("010-62345678", "010-62345678"),
        ("01082345678", "010-82345678"),
        ("02087654321", "020-87654321"),
        ("0913-7654321", "0913-7654321"),
        ("+86 571 8765 4321", "0571-87654321"),
        ("+86-10-82345678", "010-82345678"),
        ("0571-87654321-123", "0571-87654321-123"),
        ("0571-87654321转123", "0571-87654321-123"),
        ("0571-87654321 ext. 88", "0571-87654321-88"),
        ("87654321", "87654321"),
        ("7654321", "7654321"),
    ],
)
def test_landlines(raw: str, canonical: str) -> None:
    assert mobile.is_landline(raw)
    assert mobile.validate_landline(raw) == canonical
    assert mobile.normalise_landline(raw) == canonical
    assert mobile.kind(raw) == "landline"
    assert not mobile.is_valid(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",  # a mobile
        "010-1234567",  # Beijing needs 8 digits
        "0571-0765432",  # subscriber numbers do not start with 0 or 1
        "0571-17654321",
        "571-87654321",
        "00571-87654321",
        "123456",
        "0571-876543210",
        "",
        "电话",
    ],
)
def test_not_landlines(raw: str) -> None:
    assert not mobile.is_landline(raw)


def test_landline_errors() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        mobile.validate_landline("0571-876")
    assert info.value.code == "landline.format"
    assert "区号-号码" in info.value.message
    with pytest.raises(InvalidIdentifier) as info:
        mobile.validate_landline("")
    assert info.value.code == "landline.empty"


@pytest.mark.parametrize("value", [None, 13800138000, "", "电话", "123"])
def test_kind_of_neither(value: object) -> None:
    assert mobile.kind(value) is None
    assert mobile.is_landline(value) is False


@settings(max_examples=300)
@given(rngs)
def test_generated_numbers(rng: random.Random) -> None:
    number = generate.mobile(rng)
    assert mobile.validate(number) == number
    assert not mobile.is_landline(number)
    line = generate.landline(rng, extension=rng.random() < 0.3)
    assert mobile.validate_landline(line) == line
    assert mobile.kind(line) == "landline"
    assert mobile.validate_landline(line.replace("-", "", 1)) == line
