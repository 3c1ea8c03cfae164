"""The shared error type and normalisation."""

from __future__ import annotations

import pickle

import pytest

from zhengwu import identifiers
from zhengwu.identifiers import InvalidIdentifier, normalise


def test_invalid_identifier_carries_code_message_and_params() -> None:
    exc = InvalidIdentifier("uscc.check_digit", "校验位应为 3", expected="3")
    assert isinstance(exc, ValueError)
    assert exc.code == "uscc.check_digit"
    assert exc.message == "校验位应为 3"
    assert str(exc) == "校验位应为 3"
    assert exc.params == {"expected": "3"}


def test_invalid_identifier_survives_pickling() -> None:
    exc = InvalidIdentifier("mobile.segment", "号段无效", segment="140")
    copy = pickle.loads(pickle.dumps(exc))
    assert (copy.code, copy.message, copy.params) == (exc.code, exc.message, exc.params)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"),  # full-width
        (" 9135 0100\tM000\n100Y43 ", "91350100M000100Y43"),
        ("9135\u30000100M000100Y43", "91350100M000100Y43"),  # ideographic space
        ("9135\u200b0100M000100Y43\ufeff", "91350100M000100Y43"),  # zero-width, BOM
        ("11010519491231002x", "11010519491231002X"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        normalise(None)  # type: ignore[arg-type]


MODULES = [
    identifiers.uscc,
    identifiers.orgcode,
    identifiers.resident_id,
    identifiers.foreign_pr,
    identifiers.hkmo_permit,
    identifiers.tw_permit,
    identifiers.passport,
    identifiers.mobile,
    identifiers.project_code,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize(
    "value", [None, 123, 9.5, b"91350100M000100Y43", ["x"], object(), "", " ", "\x00", "中文"]
)
def test_is_valid_never_raises(module: object, value: object) -> None:
    assert module.is_valid(value) is False  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_validate_rejects_non_strings_with_a_type_code(module: object) -> None:
    prefix = module.__name__.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
    prefix = {"orgcode": "orgcode"}.get(prefix, prefix)
    with pytest.raises(InvalidIdentifier) as info:
        module.validate(None)  # type: ignore[attr-defined]
    assert info.value.code == f"{prefix}.type"
    assert "必须是文本" in info.value.message


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_validate_rejects_empty_input(module: object) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        module.validate("  ")  # type: ignore[attr-defined]
    assert info.value.code.endswith(".empty")
    assert info.value.message.startswith("请填写")
