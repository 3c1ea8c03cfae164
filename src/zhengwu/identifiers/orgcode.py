"""Organisation code 组织机构代码 (GB 11714-1997).

Nine characters: an 8-character body (本体代码, digits and upper-case letters) and a check
character. Printed as ``XXXXXXXX-X``; the hyphen is dropped by :func:`normalise` (any hyphen is
removed, so ``"12345678-9"`` and ``"123456789"`` are the same code). Since the 2015 reform the
organisation code lives on as positions 9-17 of the USCC; standalone codes still appear on old
certificates and in the "forgot username" flow (SPEC ACC-3).

Check character::

    values  0-9 -> 0-9, A-Z -> 10-35 (all 26 letters)
    W_i   = 3 7 9 10 5 8 4 2        (= 2^(9-i) mod 11)
    C9    = 11 - (Σ C_i·W_i mod 11);  10 -> "X", 11 -> "0"

Weakness worth knowing (tested): the sum is taken mod 11 while letters take values up to 35, so
substituting a character by another whose value differs by a multiple of 11 (``0``↔``B``↔``M``,
``1``↔``C``↔``N``, ...) or swapping two such characters is *not* detected. The same goes for
swapping a final body ``1`` with a check ``X`` (``…1X`` → ``…X1``: 2·1 + 10 ≡ 2·33 + 1). On
all-digit codes (every legacy code) every other single substitution and adjacent
transposition is caught. Inside a USCC these slips are still caught by the GB 32100 check.

Reserved: bodies ``PDY00001``-``PDY99999`` are a 自定义区 for use inside a single system and are
not valid for exchange between systems; :func:`validate` rejects them (``orgcode.reserved``).
"""

from __future__ import annotations

import re
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise
from ._checks import GB11714_VALUES, gb11714_check

__all__ = ["check_character", "is_valid", "normalise", "validate"]

LABEL: Final = "组织机构代码"
_HYPHENS: Final = dict.fromkeys(map(ord, "-‐‑‒–—―"))
_RESERVED = re.compile(r"PDY[0-9]{5}")


def normalise(s: str) -> str:
    """NFKC, remove whitespace and hyphens, upper-case (``"mA2abcde-1"`` → ``"MA2ABCDE1"``)."""
    return _normalise(s).translate(_HYPHENS)


def check_character(body8: str) -> str:
    """GB 11714 check character (``0-9`` or ``X``) of an 8-character body."""
    body = normalise(require_str(body8, "orgcode", LABEL))
    if len(body) != 8:
        raise InvalidIdentifier(
            "orgcode.length",
            f"计算校验位需要{LABEL}前 8 位（本体代码），实际为 {len(body)} 位",
            length=len(body),
        )
    for pos, c in enumerate(body, start=1):
        if c not in GB11714_VALUES:
            raise InvalidIdentifier(
                "orgcode.char", f"{LABEL}第 {pos} 位字符“{c}”不允许", position=pos, char=c
            )
    return gb11714_check(body)


def validate(s: object) -> str:
    """Return the normalised 9-character code or raise :class:`InvalidIdentifier`."""
    s = normalise(require_str(s, "orgcode", LABEL))
    if not s:
        raise InvalidIdentifier("orgcode.empty", f"请填写{LABEL}")
    if len(s) != 9:
        raise InvalidIdentifier(
            "orgcode.length",
            f"{LABEL}应为 9 位（8 位本体代码 + 1 位校验码），实际为 {len(s)} 位",
            length=len(s),
        )
    for pos, c in enumerate(s[:8], start=1):
        if c not in GB11714_VALUES:
            raise InvalidIdentifier(
                "orgcode.char",
                f"{LABEL}第 {pos} 位字符“{c}”不允许：只能使用数字和大写英文字母",
                position=pos,
                char=c,
            )
    expected = gb11714_check(s[:8])
    if s[8] != expected:
        raise InvalidIdentifier(
            "orgcode.check_digit",
            f"{LABEL}校验位（第 9 位）应为 {expected}，实际为 {s[8]}，请核对代码是否填写有误",
            position=9,
            expected=expected,
            actual=s[8],
        )
    if _RESERVED.fullmatch(s[:8]):
        raise InvalidIdentifier(
            "orgcode.reserved", f"{LABEL}“{s[:8]}”属于系统内部自定义区（PDY），不能用于办事"
        )
    return s


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a valid organisation code after normalisation. Never raises."""
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True
