"""Organisation codes (GB 11714-1997)."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings

from zhengwu.identifiers import InvalidIdentifier, generate, orgcode, uscc
from zhengwu.identifiers._checks import GB11714_ALPHABET

from ._strategies import rngs, substitutions, transpositions


@pytest.mark.parametrize(
    "code",
    [
        "71610585-2",  # positions 9-17 of the published USCCs in test_uscc.py
        "19220382-1",
        "55138508-2",
        "M000100Y-4",  # the GB 32100 worked example: J/M/Y take GB 11714 values
    ],
)
def test_known_codes(code: str) -> None:
    assert orgcode.validate(code) == code.replace("-", "")
    assert orgcode.check_character(code[:8]) == code[-1]


def test_letters_take_gb11714_values_not_uscc_values() -> None:
    """I, O, S, V, Z exist here (A=10 … Z=35), unlike in the USCC alphabet."""
    body = "MAZ0SVIO"
    total = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c9 = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(c9, str(c9))
    assert orgcode.check_character(body) == expected
    assert orgcode.is_valid(body + expected)


def test_hyphen_and_case_are_normalised() -> None:
    assert orgcode.validate(" m000100y－4 ") == "M000100Y4"  # full-width hyphen


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        ("12345678", "orgcode.length", "实际为 8 位"),
        ("1234567_9", "orgcode.char", "第 8 位字符“_”"),
        ("M000100Y5", "orgcode.check_digit", "应为 4，实际为 5"),
    ],
)
def test_each_failure_has_its_code_and_chinese_message(
    code: str, error_code: str, fragment: str
) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        orgcode.validate(code)
    assert info.value.code == error_code
    assert fragment in info.value.message
    assert not orgcode.is_valid(code)


def test_reserved_pdy_block_is_refused() -> None:
    code = "PDY00001" + orgcode.check_character("PDY00001")
    with pytest.raises(InvalidIdentifier) as info:
        orgcode.validate(code)
    assert info.value.code == "orgcode.reserved"


@settings(max_examples=300)
@given(rngs)
def test_generated_codes_validate(rng: random.Random) -> None:
    code = generate.org_code(rng)
    assert orgcode.validate(code) == code


@settings(max_examples=300)
@given(rngs)
def test_uscc_positions_9_to_17_are_organisation_codes(rng: random.Random) -> None:
    assert orgcode.is_valid(uscc.organisation_code(generate.uscc(rng)))


@settings(max_examples=300)
@given(rngs)
def test_digit_codes_catch_every_substitution_and_transposition(rng: random.Random) -> None:
    """All legacy codes are digits; the check catches every single error that keeps the body
    digits (the one exception, ``…1X`` -> ``…X1``, is tested below)."""
    code = generate.org_code(rng, digits_only=True)
    wrong = (
        substitutions(code, string.digits, range(8))
        + substitutions(code, string.digits + "X", range(8, 9))
        + [t for t in transpositions(code) if t[:8].isdigit()]
    )
    for candidate in wrong:
        assert not orgcode.is_valid(candidate), candidate


def test_known_weakness_letters_eleven_apart_are_not_detected() -> None:
    """Documented limitation of GB 11714: values are summed mod 11, letters reach 35."""
    code = "12345678" + orgcode.check_character("12345678")
    assert orgcode.is_valid(code)
    # 1 (value 1) and C (value 12) differ by 11, so substituting one for the other is invisible:
    assert orgcode.is_valid("C" + code[1:])
    # so is swapping 0 (0) and B (11) in adjacent positions:
    swapped = "0B345678"
    assert orgcode.is_valid(swapped + orgcode.check_character(swapped))
    assert orgcode.is_valid("B0345678" + orgcode.check_character(swapped))


def test_known_weakness_swapping_a_final_1_with_check_x_is_not_detected() -> None:
    """…1X -> …X1: 2·1 + 10 ≡ 2·33 + 1 (mod 11), and X is a legal body character."""
    body = next(f"{n:07d}1" for n in range(10**7) if orgcode.check_character(f"{n:07d}1") == "X")
    assert orgcode.is_valid(body + "X")
    assert orgcode.is_valid(body[:7] + "X1")


def test_every_substitution_over_the_full_alphabet_is_caught_unless_eleven_apart() -> None:
    rng = random.Random(7)
    for _ in range(50):
        code = generate.org_code(rng)
        for i in range(8):
            for c in GB11714_ALPHABET:
                if c == code[i]:
                    continue
                candidate = code[:i] + c + code[i + 1 :]
                undetected = (int(c, 36) - int(code[i], 36)) % 11 == 0
                assert orgcode.is_valid(candidate) == undetected
