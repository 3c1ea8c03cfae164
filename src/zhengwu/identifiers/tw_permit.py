"""Mainland Travel Permit for Taiwan Residents 台湾居民来往大陆通行证 (台胞证).

Accepted forms (STANDARDS.md §2.6; no public check-digit algorithm):

* current: the 8-digit lifelong number (一人一号、终身不变, since 2008-09-25; card permits since
  2015): ``12345678``;
* legacy booklets: 8 digits + 2-digit issue count, optionally followed by the issuing-authority
  letter in brackets: ``0561682001(D)``; full-width brackets are accepted (NFKC).

The first 8 digits identify the person: compare with :func:`person_key`.
"""

from __future__ import annotations

import re
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise

__all__ = ["is_valid", "normalise", "person_key", "validate"]

LABEL: Final = "台湾居民来往大陆通行证号码"
_PATTERN = re.compile(r"[0-9]{8}|[0-9]{10}(?:\([A-Z0-9]\))?")
_HYPHENS: Final = dict.fromkeys(map(ord, "-"))


def normalise(s: str) -> str:
    """NFKC (full-width brackets become ASCII), no whitespace or hyphens, upper case."""
    return _normalise(s).translate(_HYPHENS)


def validate(s: object) -> str:
    """Return the normalised number or raise :class:`InvalidIdentifier`."""
    t = normalise(require_str(s, "tw_permit", LABEL))
    if _PATTERN.fullmatch(t):
        return t
    if not t:
        raise InvalidIdentifier("tw_permit.empty", f"请填写{LABEL}")
    raise InvalidIdentifier(
        "tw_permit.format",
        f"{LABEL}格式不正确：应为 8 位数字；旧版通行证为 10 位数字，可带括号中的签发机关代码，"
        f"如 0561682001(D)",
    )


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a well-formed permit number after normalisation. Never raises."""
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True


def person_key(s: object) -> str:
    """The 8-digit lifelong number of a valid permit number."""
    return validate(s)[:8]
