"""Unified Social Credit Code (GB 32100-2015) and its stdnum divergences."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from zhengwu.identifiers import InvalidIdentifier, generate, uscc
from zhengwu.identifiers._checks import GB32100_ALPHABET, gb11714_check, gb32100_check

from ._strategies import rngs, substitutions, transpositions

# The standard's worked example (GB 32100 §5): S = 1640, 1640 mod 31 = 28, C18 = 3.
WORKED_EXAMPLE = "91350100M000100Y43"
# Codes published by well-known companies (阿里巴巴, 腾讯, 华为, 小米) and by a central agency and a
# national public institution. Each passes both checks, which a random string does with
# probability 1/341.
PUBLISHED = [
    "91330100716105852F",
    "91440300708461136T",
    "914403001922038216",
    "91110108551385082Q",
    "11100000000013127D",
    "12100000400000624D",
    "91110000600037341L",  # python-stdnum's doctest example
]


def _code(prefix: str, body: str = "MA2CDE7K", region: str = "330106") -> str:
    first17 = prefix + region + body + gb11714_check(body)
    return first17 + gb32100_check(first17)


def test_worked_example_check_character() -> None:
    assert uscc.check_character(WORKED_EXAMPLE[:17]) == "3"
    assert uscc.validate(WORKED_EXAMPLE) == WORKED_EXAMPLE


def test_worked_example_wrong_variant_is_refused() -> None:
    """The standard shows …Y4Z as a wrong code (Z is not even in the alphabet)."""
    assert not uscc.is_valid("91350100M000100Y4Z")


def test_weights_are_powers_of_three_mod_31() -> None:
    from zhengwu.identifiers._checks import GB32100_WEIGHTS

    assert GB32100_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)


@pytest.mark.parametrize(
    "raw",
    ["９１３５０１００Ｍ０００１００Ｙ４３", "9135 0100 m000 100y 43", "91350100-M000100Y4-3"],
)
def test_input_is_normalised(raw: str) -> None:
    assert uscc.validate(raw) == WORKED_EXAMPLE
    assert uscc.is_valid(raw)


def test_every_prefix_of_the_table_is_accepted() -> None:
    assert len(uscc.VALID_PREFIXES) == 36
    for prefix in uscc.VALID_PREFIXES:
        assert uscc.validate(_code(prefix))


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        ("9135010", "uscc.length", "实际为 7 位"),
        ("91350100M000100Y433", "uscc.length", "实际为 19 位"),
        ("91350100MO00100Y43", "uscc.char", "第 10 位字符“O”"),
        ("91350100M000100YI3", "uscc.char", "“I”是否应为“1”"),
        ("9135A100M000100Y43", "uscc.region", "第 5 位"),
        ("01350100M000100Y43", "uscc.authority", "“0”不存在"),
        ("B1350100M000100Y43", "uscc.authority", "“B”"),
        ("94350100M000100Y43", "uscc.category", "不适用于登记管理部门“工商”"),
        ("Y2350100M000100Y43", "uscc.category", "可用：1 其他"),
        ("91350100M000100A43", "uscc.org_code_check", "第 17 位）应为 8，实际为 4"),
        ("91350100M000100Y4Y", "uscc.check_digit", "应为 3，实际为 Y"),
    ],
)
def test_each_failure_has_its_code_and_chinese_message(
    code: str, error_code: str, fragment: str
) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate(code)
    assert info.value.code == error_code
    assert fragment in info.value.message, info.value.message
    assert "统一社会信用代码" in info.value.message
    assert not uscc.is_valid(code)


def test_check_digit_error_names_the_expected_character() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate("91350100M000100Y40")
    assert "校验位（第 18 位）应为 3" in info.value.message
    assert info.value.params["expected"] == "3"


def test_irregular_genuine_codes_need_an_explicit_allow_list() -> None:
    for code in uscc.KNOWN_IRREGULAR:
        with pytest.raises(InvalidIdentifier) as info:
            uscc.validate(code)
        assert info.value.code == "uscc.check_digit"  # they do pass the GB 11714 check
        assert not uscc.is_valid(code)
        assert uscc.validate(code.lower(), allow=uscc.KNOWN_IRREGULAR) == code
        assert uscc.is_valid(code.lower(), allow=uscc.KNOWN_IRREGULAR)


def test_parts() -> None:
    assert uscc.authority(WORKED_EXAMPLE) == uscc.AUTHORITIES["9"]
    assert uscc.authority("91").name == "工商"
    assert uscc.category(WORKED_EXAMPLE) == uscc.Category("1", "企业")
    assert uscc.category("N2").name == "村级集体经济组织"
    assert uscc.category("52").name == "民办非企业单位（社会服务机构）"
    assert uscc.region(WORKED_EXAMPLE) == "350100"
    assert uscc.organisation_code(WORKED_EXAMPLE) == "M000100Y4"
    with pytest.raises(InvalidIdentifier) as info:
        uscc.category("94")
    assert info.value.code == "uscc.category"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("91", "enterprise"),
        ("92", "individual_business"),
        ("93", "cooperative"),
        ("11", "agency"),
        ("13", "agency"),
        ("12", "public_institution"),
        ("A1", "public_institution"),
        ("51", "social_organisation"),
        ("52", "social_organisation"),
        ("53", "social_organisation"),
        ("31", "social_organisation"),
        ("61", "social_organisation"),
        ("71", "social_organisation"),
        ("81", "social_organisation"),
        ("N1", "social_organisation"),
        ("N9", "social_organisation"),
        ("19", "other"),
        ("21", "other"),
        ("41", "other"),
        ("A9", "other"),
        ("Y1", "other"),
    ],
)
def test_legal_person_type(prefix: str, expected: str) -> None:
    """REG-2: 91/92/93, N*/3*/5*/6*/7* social organisations, 11 agencies, 12 institutions."""
    assert uscc.legal_person_type(prefix) == expected
    assert uscc.legal_person_type(_code(prefix)) == expected


def test_every_valid_prefix_has_a_legal_person_type() -> None:
    for prefix in uscc.VALID_PREFIXES:
        assert uscc.legal_person_type(prefix) in uscc.LEGAL_PERSON_TYPES


def test_legal_person_type_of_unknown_prefix_raises() -> None:
    with pytest.raises(InvalidIdentifier):
        uscc.legal_person_type("00")


def test_validate_for_legal_person_type_names_the_expected_type() -> None:
    """REG-2: a mismatch names the field and the expected type."""
    business = _code("92")
    assert uscc.validate_for_legal_person_type(business, "individual_business") == business
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate_for_legal_person_type(business, "enterprise")
    exc = info.value
    assert exc.code == "uscc.legal_person_type"
    assert "统一社会信用代码以“92”开头，属于个体工商户" in exc.message
    assert "与所选法人类型“企业”不符" in exc.message
    assert "91" in exc.message
    with pytest.raises(KeyError):
        uscc.validate_for_legal_person_type(business, "company")


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(InvalidIdentifier):
        uscc.check_character("9135")
    with pytest.raises(InvalidIdentifier):
        uscc.check_character("91350100M000100YO")


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300)
@given(rngs)
def test_generated_codes_validate(rng: random.Random) -> None:
    code = generate.uscc(rng)
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)


@settings(max_examples=200)
@given(rngs)
def test_every_substitution_and_adjacent_transposition_is_caught(rng: random.Random) -> None:
    code = generate.uscc(rng)
    for wrong in substitutions(code, GB32100_ALPHABET) + transpositions(code):
        assert not uscc.is_valid(wrong), wrong
        with pytest.raises(InvalidIdentifier):
            uscc.validate(wrong)


_candidates = st.one_of(
    st.text(alphabet=GB32100_ALPHABET + "IOSVZa -", min_size=16, max_size=20),
    rngs.map(generate.uscc).flatmap(
        lambda code: st.tuples(st.integers(0, 17), st.sampled_from(GB32100_ALPHABET)).map(
            lambda t: code[: t[0]] + t[1] + code[t[0] + 1 :]
        )
    ),
)


@settings(max_examples=500)
@given(_candidates)
@example("91350211M0000XUF46")
@example("000000000000000000")
def test_fast_path_agrees_with_validate(candidate: str) -> None:
    """is_valid's arithmetic shortcuts give the same answer as the reference formulas."""
    try:
        uscc.validate(candidate)
    except InvalidIdentifier:
        expected = False
    else:
        expected = True
    assert uscc.is_valid(candidate) is expected


# --- python-stdnum as an oracle, and where it is wrong ----------------------------------------


@settings(max_examples=300)
@given(rngs, st.sampled_from(GB32100_ALPHABET))
def test_stdnum_agrees_on_digit_prefixes(rng: random.Random, last: str) -> None:
    """On codes with a digit prefix, a table pair and a correct position 17 (stdnum's domain),
    both accept exactly the same check characters."""
    prefix = rng.choice([p for p in sorted(uscc.VALID_PREFIXES) if p.isdigit()])
    code = generate.uscc(rng, prefix=prefix)[:17] + last
    assert uscc.is_valid(code) == stdnum_uscc.is_valid(code)
    assert uscc.check_character(code[:17]) == stdnum_uscc.calc_check_digit(code[:17])


@pytest.mark.parametrize("prefix", ["A1", "A9", "N1", "N2", "N3", "N9", "Y1"])
def test_divergence_stdnum_rejects_valid_letter_prefixes(prefix: str) -> None:
    code = _code(prefix)
    assert uscc.is_valid(code)
    assert not stdnum_uscc.is_valid(code)


@pytest.mark.parametrize("code", ["000000000000000000", "00000000000000000Y"[:17] + "0"])
def test_divergence_stdnum_accepts_all_zero_code(code: str) -> None:
    assert stdnum_uscc.is_valid(code)
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate(code)
    assert info.value.code == "uscc.authority"


def test_divergence_stdnum_accepts_prefixes_outside_the_table() -> None:
    code = _code("94")
    assert stdnum_uscc.is_valid(code)
    assert not uscc.is_valid(code)


def test_divergence_stdnum_skips_the_organisation_code_check() -> None:
    first17 = "91350100M000100Y" + "7"  # GB 11714 wants 4
    code = first17 + gb32100_check(first17)
    assert stdnum_uscc.is_valid(code)
    with pytest.raises(InvalidIdentifier) as info:
        uscc.validate(code)
    assert info.value.code == "uscc.org_code_check"
