"""People's Republic of China passport numbers 中华人民共和国护照号码 (STANDARDS.md §2.8).

A deliberately lenient format check (the number has no check digit; the MRZ has ICAO check
digits, which belong to document OCR, not to a typed number)::

    E + 8 digits                ordinary e-passport (since 2012-05)
    E + letter + 7 digits       ordinary e-passport after the E-block was exhausted (EA…, EB…)
    G + 8 digits; 14/15 + 7     older ordinary passports
    PE / SE / DE + 7 digits     public-affairs ordinary / service / diplomatic (older P/S/D + 8)
    K + 8, KJ + 7, H + 8        HKSAR passports;  MA / MB + 7 MSAR passports

i.e. ``^(?:[EGKDSPH]\\d{8}|(?:E[A-Z]|DE|SE|PE|KJ|MA|MB|1[45])\\d{7})$``. ``EI…``/``EO…`` etc. are
not excluded because the issuing rules for the letter are not public.
"""

from __future__ import annotations

import re
from typing import Final

from ._base import InvalidIdentifier, normalise, require_str

__all__ = ["is_valid", "normalise", "validate"]

LABEL: Final = "护照号码"
_PATTERN = re.compile(r"[EGKDSPH][0-9]{8}|(?:E[A-Z]|DE|SE|PE|KJ|MA|MB|1[45])[0-9]{7}")


def validate(s: object) -> str:
    """Return the normalised number or raise :class:`InvalidIdentifier`."""
    t = normalise(require_str(s, "passport", LABEL))
    if _PATTERN.fullmatch(t):
        return t
    if not t:
        raise InvalidIdentifier("passport.empty", f"请填写{LABEL}")
    if len(t) != 9:
        raise InvalidIdentifier(
            "passport.length", f"中国{LABEL}应为 9 位，实际为 {len(t)} 位", length=len(t)
        )
    raise InvalidIdentifier(
        "passport.format",
        f"中国{LABEL}格式不正确：普通护照为 E 加 8 位数字（或 E 加 1 个字母和 7 位数字），"
        f"旧版为 G 加 8 位数字",
    )


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a well-formed PRC passport number after normalisation. Never raises."""
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True
