"""Numbers in request values: only ASCII digits are numbers (``str.isdigit`` takes more)."""

from __future__ import annotations

import pytest

from zhengwu.core.parsing import id_from_text, is_ascii_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("9" * 18, 10**18 - 1),
        ("9" * 19, None),  # past a bigint: no query is built with it
        ("²", None),  # isdigit() is true, int() raises
        ("４２", None),  # full-width: isdigit() is true, int() takes it
        ("-1", None),
        (" 4", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_id_from_text(text, expected):
    assert id_from_text(text) == expected


def test_is_ascii_digits():
    assert is_ascii_digits("330106")
    assert not is_ascii_digits("３３0106")
    assert not is_ascii_digits("")
    assert not is_ascii_digits("3301a6")
