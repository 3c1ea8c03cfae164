"""REG-9 project codes (the seed's 18-character 工程编码) and investment-project codes."""

from __future__ import annotations

import datetime
import random

import pytest
from hypothesis import given, settings

from zhengwu.identifiers import InvalidIdentifier, generate, project_code, uscc
from zhengwu.identifiers._checks import GB32100_ALPHABET

from ._strategies import rngs, substitutions, transpositions

SEED_SAMPLE = "X1330211040113985T"  # seed S1, 镇海 construction project


def test_seed_sample_is_valid() -> None:
    assert project_code.validate(SEED_SAMPLE) == SEED_SAMPLE
    assert project_code.validate("x1330211 040113985t") == SEED_SAMPLE


def test_seed_sample_is_not_a_uscc() -> None:
    """Why the format is inferred as it is: the GB 32100 check holds, the rest of GB 32100
    (authority table, GB 11714 at positions 9-17) does not."""
    assert uscc.check_character(SEED_SAMPLE[:17]) == SEED_SAMPLE[17]
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate(SEED_SAMPLE)
    assert info.value.code == "uscc.authority"


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        ("X133021104011398", "project_code.length", "实际为 16 位"),
        ("X133021104O113985T", "project_code.char", "第 11 位字符“O”"),
        ("X1330A11040113985T", "project_code.region", "第 6 位"),
        ("X1330211040113985U", "project_code.check_digit", "应为 T，实际为 U"),
    ],
)
def test_each_failure_has_its_code_and_chinese_message(
    code: str, error_code: str, fragment: str
) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        project_code.validate(code)
    assert info.value.code == error_code
    assert fragment in info.value.message
    assert not project_code.is_valid(code)


@settings(max_examples=200)
@given(rngs)
def test_generated_codes_validate_and_catch_single_errors(rng: random.Random) -> None:
    code = generate.project_code(rng)
    assert project_code.validate(code) == code
    for wrong in substitutions(code, GB32100_ALPHABET) + transpositions(code):
        assert not project_code.is_valid(wrong)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-330106-47-01-000123", "2024-330106-47-01-000123"),
        ("20243301064701000123", "2024-330106-47-01-000123"),
        ("２０２４－３３０１０６－４７－０１－０００１２３", "2024-330106-47-01-000123"),
    ],
)
def test_investment_project_codes(raw: str, expected: str) -> None:
    today = datetime.date(2026, 11, 23)
    assert project_code.validate_investment(raw, today=today) == expected
    assert project_code.is_valid_investment(raw, today=today)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2024-330106-47-01-00012", "investment_project_code.format"),
        ("X1330211040113985T", "investment_project_code.format"),
        ("2027-330106-47-01-000123", "investment_project_code.year"),
        ("1999-330106-47-01-000123", "investment_project_code.year"),
    ],
)
def test_invalid_investment_project_codes(raw: str, code: str) -> None:
    today = datetime.date(2026, 11, 23)
    with pytest.raises(InvalidIdentifier) as info:
        project_code.validate_investment(raw, today=today)
    assert info.value.code == code
    assert not project_code.is_valid_investment(raw, today=today)
    assert not project_code.is_valid_investment(None)
