"""Mainland Travel Permit for Hong Kong and Macao Residents 港澳居民来往内地通行证 (回乡证).

Accepted forms (STANDARDS.md §2.5; there is no public check-digit algorithm):

* ``H`` (Hong Kong) or ``M`` (Macao) + 8-digit lifelong number: ``H12345678`` — what current cards
  print, the issue count being a separate field;
* the same + 2-digit issue count (MPS rule of 2010, ``00`` = first issue): ``H1234567801``;
* since 2024-07-10, permits for non-Chinese-national permanent residents: ``HA`` / ``MA`` +
  7 digits, one number for life.

The first 9 characters identify the person across renewals: compare with :func:`person_key`.
"""

from __future__ import annotations

import re
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise

__all__ = ["is_valid", "normalise", "person_key", "region", "validate"]

LABEL: Final = "港澳居民来往内地通行证号码"
_PATTERN = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?|[HM]A[0-9]{7}")
_SEPARATORS: Final = dict.fromkeys(map(ord, "-()"))


def normalise(s: str) -> str:
    """NFKC, no whitespace, hyphens or brackets, upper case (``"h1234 5678"`` → ``"H12345678"``)."""
    return _normalise(s).translate(_SEPARATORS)


def validate(s: object) -> str:
    """Return the normalised number or raise :class:`InvalidIdentifier`."""
    t = normalise(require_str(s, "hkmo_permit", LABEL))
    if _PATTERN.fullmatch(t):
        return t
    if not t:
        raise InvalidIdentifier("hkmo_permit.empty", f"请填写{LABEL}")
    if t[0] not in "HM":
        raise InvalidIdentifier(
            "hkmo_permit.prefix",
            f"{LABEL}应以 H（香港）或 M（澳门）开头，实际为“{t[0]}”",
            char=t[0],
        )
    raise InvalidIdentifier(
        "hkmo_permit.format",
        f"{LABEL}格式不正确：应为 H/M 加 8 位数字（可再加 2 位换证次数），或 HA/MA 加 7 位数字",
    )


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a well-formed permit number after normalisation. Never raises."""
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True


def person_key(s: object) -> str:
    """The first 9 characters of a valid number: the same for every issue of one person's permit."""
    return validate(s)[:9]


def region(s: object) -> str:
    """``"hong_kong"`` or ``"macao"`` for a valid number."""
    return "hong_kong" if validate(s)[0] == "H" else "macao"
