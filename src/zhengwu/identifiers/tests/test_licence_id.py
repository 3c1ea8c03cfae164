"""Electronic-licence identifier (GB/T 36904) with its ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from zhengwu.identifiers import InvalidIdentifier, generate, licence_id

from ._strategies import rngs

ALPHABET = licence_id.ALPHABET
TYPE_CODE = "11100000000013127D001"
ISSUER = "91330100716105852F"


def _identifier(rng: random.Random) -> str:
    issuer = generate.uscc(rng)
    serial = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 32)))
    return licence_id.build(
        type_code=generate.uscc(rng) + f"{rng.randint(0, 999):03d}",
        issuer_uscc=issuer,
        serial=serial,
        version=rng.randint(0, 999),
    )


def test_iso_7064_example() -> None:
    """ISO/IEC 7064's MOD 37,36 example as python-stdnum uses it."""
    assert licence_id.check_character("A12425GABC1234002") == "M"


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=80))
def test_check_character_agrees_with_stdnum(payload: str) -> None:
    assert licence_id.check_character(payload) == mod_37_36.calc_check_digit(payload)


def test_build_and_validate_round_trip() -> None:
    identifier = licence_id.build(type_code=TYPE_CODE, issuer_uscc=ISSUER, serial="2026000001")
    assert identifier.startswith("1.2.156.3005.2.11100000000013127D001.91330100716105852F.")
    assert licence_id.validate(identifier) == identifier
    assert licence_id.split(identifier)["serial"] == "2026000001"


def test_input_is_normalised() -> None:
    identifier = licence_id.build(type_code=TYPE_CODE, issuer_uscc=ISSUER, serial="2026AB01")
    messy = " " + identifier.lower().replace(".", "。", 2) + "\u200b"
    assert licence_id.validate(messy) == identifier.upper()


@settings(max_examples=40, deadline=None)  # ~4,000 validations per example
@given(rngs)
def test_every_single_substitution_is_detected(rng: random.Random) -> None:
    """Changing any one character to any other (alphabet, dot) makes the identifier invalid."""
    identifier = _identifier(rng)
    assert licence_id.is_valid(identifier)
    for i, original in enumerate(identifier):
        for c in ALPHABET + ".":
            if c != original:
                assert not licence_id.is_valid(identifier[:i] + c + identifier[i + 1 :]), (i, c)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("", "licence_id.empty", "请填写证照标识"),
        ("1.2.156.3005.3.X", "licence_id.root", "根代码"),
        ("1.2.156.3005.2.A.B", "licence_id.parts", "5 段"),
        (f"1.2.156.3005.2.{TYPE_CODE}.{ISSUER}.20_1.001.0", "licence_id.char", "流水号"),
        (f"1.2.156.3005.2.11100000000013127D.{ISSUER}.1.001.0", "licence_id.type_code", "21 位"),
        (f"1.2.156.3005.2.{TYPE_CODE}.91330100716105852A.1.001.0", "licence_id.uscc", "颁发机构"),
        (f"1.2.156.3005.2.{TYPE_CODE}.{ISSUER}.1.01.0", "licence_id.version", "版本号"),
        (f"1.2.156.3005.2.{TYPE_CODE}.{ISSUER}.1.001.00", "licence_id.check_length", "校验位"),
    ],
)
def test_errors_name_the_problem(value: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        licence_id.validate(value)
    assert info.value.code == code
    assert fragment in info.value.message
    assert not licence_id.is_valid(value)


def test_wrong_check_character_says_which_is_expected() -> None:
    identifier = licence_id.build(type_code=TYPE_CODE, issuer_uscc=ISSUER, serial="7")
    wrong = identifier[:-1] + ("A" if identifier[-1] != "A" else "B")
    with pytest.raises(InvalidIdentifier) as info:
        licence_id.validate(wrong)
    assert info.value.code == "licence_id.check_digit"
    assert f"应为 {identifier[-1]}" in info.value.message


@pytest.mark.parametrize("value", [None, 5, b"1.2.156"])
def test_non_text(value: object) -> None:
    assert not licence_id.is_valid(value)
    with pytest.raises(InvalidIdentifier):
        licence_id.validate(value)
