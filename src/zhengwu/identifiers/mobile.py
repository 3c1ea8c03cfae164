"""Mainland China mobile numbers 手机号码 and telling them from landlines 固定电话.

Mobile: 11 digits, ``1`` + a network segment + 8 digits. The segments accepted are those of
STANDARDS.md §2.9, which match libphonenumber 9.0.43 exactly on the samples tested::

    1(3x | 45 47 | 50-53 55-59 | 62 65-67 | 70-73 75-78 | 8x | 90-93 95-99) + 8 digits
    1610x, 17400-17405 + 6 digits

Not valid as voice mobiles: 140-144, 146, 148, 149 (data/IoT), 154, 160, 161 (except 1610x), 163,
164, 168, 169, 174 (except 17400-17405), 179, 194. The segment no longer proves the carrier
(number portability since 2019), so no carrier is derived.

:func:`normalise` removes whitespace, hyphens, dots and brackets, and a ``+86`` / ``0086`` /
``86`` country prefix (``86`` only when 11 digits starting with 1 follow).

Landline: area code ``010`` / ``02x`` + 8-digit subscriber number, or ``0[3-9]xx`` + 7 or 8
digits; the subscriber number starts with 2-9. Optional separators (``0571-87654321``,
``(0571)87654321``), ``+86`` with the trunk 0 dropped (``+86 571 8765 4321``) and an extension
(``-123``, ``转123``, ``ext 123``, ``#123``). A bare local number (7-8 digits, no area code)
also counts as a landline: that is what registries hold when the "mobile" field was filled with
an office phone (SPEC REG-5: "registry holds a landline" must be its own error).
"""

from __future__ import annotations

import re
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise

__all__ = [
    "is_landline",
    "is_valid",
    "kind",
    "normalise",
    "normalise_landline",
    "validate",
    "validate_landline",
]

LABEL: Final = "手机号码"
LANDLINE_LABEL: Final = "固定电话号码"

_MOBILE = re.compile(
    r"1(?:3\d|4[57]|5[0-35-9]|6[25-7]|7[0-35-8]|8\d|9[0-35-9])\d{8}|1(?:610\d|740[0-5])\d{6}"
)
_SEPARATORS: Final = dict.fromkeys(map(ord, "-‐‑‒–—―.()"))
_LANDLINE = re.compile(
    r"(?:(0(?:10|2\d))-?([2-9]\d{7})|(0[3-9]\d{2})-?([2-9]\d{6,7})|([2-9]\d{6,7}))"
    r"(?:(?:-|转|EXT\.?|X|#|,)(\d{1,6}))?"
)


def normalise(s: str) -> str:
    """Digits only where possible: ``"+86 138-0013-8000"`` → ``"13800138000"``."""
    t = _normalise(s).translate(_SEPARATORS)
    if t.startswith("+86"):
        return t[3:]
    if t.startswith("0086"):
        return t[4:]
    if len(t) == 13 and t.startswith("861"):
        return t[2:]
    return t


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a mainland mobile number after normalisation. Never raises."""
    if not isinstance(s, str):
        return False
    return _MOBILE.fullmatch(normalise(s)) is not None


def validate(s: object) -> str:
    """Return the 11-digit number or raise :class:`InvalidIdentifier`.

    Codes: ``mobile.empty``, ``mobile.landline`` (a landline was given), ``mobile.char``,
    ``mobile.length``, ``mobile.segment`` (11 digits but not a mobile segment).
    """
    text = require_str(s, "mobile", LABEL)
    t = normalise(text)
    if _MOBILE.fullmatch(t):
        return t
    if not t:
        raise InvalidIdentifier("mobile.empty", f"请填写{LABEL}")
    if is_landline(text):
        raise InvalidIdentifier("mobile.landline", f"这是固定电话号码，请填写 11 位{LABEL}")
    for pos, c in enumerate(t, start=1):
        if not ("0" <= c <= "9"):
            raise InvalidIdentifier(
                "mobile.char", f"{LABEL}只能包含数字，第 {pos} 位为“{c}”", position=pos, char=c
            )
    if len(t) != 11:
        raise InvalidIdentifier(
            "mobile.length", f"{LABEL}应为 11 位数字，实际为 {len(t)} 位", length=len(t)
        )
    raise InvalidIdentifier(
        "mobile.segment", f"“{t[:3]}”不是有效的手机号段，请核对{LABEL}", segment=t[:3]
    )


def _landline_match(s: str) -> re.Match[str] | None:
    t = _normalise(s).translate(dict.fromkeys(map(ord, "()")))
    for prefix in ("+86", "0086"):
        if t.startswith(prefix):
            t = t[len(prefix) :].lstrip("-")
            if not t.startswith("0"):
                t = "0" + t  # the trunk prefix is dropped in international form
            break
    return _LANDLINE.fullmatch(t)


def normalise_landline(s: str) -> str:
    """Canonical landline form ``"0571-87654321"`` (``"-123"`` extension, bare local kept).

    Raises :class:`InvalidIdentifier` (``landline.format``) if ``s`` is not a landline.
    """
    return validate_landline(s)


def validate_landline(s: object) -> str:
    """Return the canonical landline form or raise :class:`InvalidIdentifier`."""
    text = require_str(s, "landline", LANDLINE_LABEL)
    m = _landline_match(text)
    if m is None:
        if not _normalise(text):
            raise InvalidIdentifier("landline.empty", f"请填写{LANDLINE_LABEL}")
        raise InvalidIdentifier(
            "landline.format",
            f"{LANDLINE_LABEL}格式不正确，应为“区号-号码”，如 0571-87654321 或 010-62345678",
        )
    area3, sub3, area4, sub4, local, ext = m.groups()
    number = f"{area3}-{sub3}" if area3 else f"{area4}-{sub4}" if area4 else local
    return f"{number}-{ext}" if ext else number


def is_landline(s: object) -> bool:
    """``True`` if ``s`` is a landline number (with or without area code). Never raises."""
    return isinstance(s, str) and _landline_match(s) is not None


def kind(s: object) -> str | None:
    """``"mobile"``, ``"landline"`` or ``None`` (neither, or not a string)."""
    if is_valid(s):
        return "mobile"
    if is_landline(s):
        return "landline"
    return None
