"""Citizen identity number 公民身份号码 (GB 11643-1999), also used by HK/Macao/Taiwan residents'
residence permits (港澳台居民居住证, address codes 810000 / 820000 / 830000).

Structure (18 characters)::

    pos 1-6    address code (GB/T 2260) of the place of first registration, kept for life
    pos 7-14   birth date YYYYMMDD
    pos 15-17  sequence; pos 17 odd = male, even = female
    pos 18     check character, ISO 7064 MOD 11-2:
               W_i = 2^(18-i) mod 11 = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
               R = Σ a_i·W_i mod 11 -> check "1 0 X 9 8 7 6 5 4 3 2"[R]

Rules enforced by :func:`validate`, in order:

1. 18 characters: 17 digits and a digit or ``X`` (lower-case ``x`` is normalised). A 15-digit
   number gets its own error, ``resident_id.legacy_15``, with the 18-digit form in
   ``params["upgraded"]`` (SPEC REG-5: "registry holds a 15-digit legacy ID" must be
   actionable). Messages never repeat a whole ID number: they end up in logs (SPEC ACC-7).
2. A number starting with ``9`` is a 2023 foreign permanent resident ID, not a citizen number
   (``resident_id.foreign_permanent_resident``; see :mod:`.foreign_pr`).
3. The first two digits are a GB/T 2260 province-level code (11-15, 21-23, 31-37, 41-46,
   50-54, 61-65, 71), or the address code is exactly 810000 / 820000 / 830000 (residence
   permits; any other 81xxxx/82xxxx/83xxxx is refused). The county part is *not* checked
   against today's division list: an address code is kept for life while counties are merged
   and renamed, so such a check rejects genuine numbers (STANDARDS.md §2.3).
4. The birth date is a real calendar date, not after ``today`` and not before 1800-01-01. 1800
   (not 1900) because the standard's own example ``440524188001010014`` is born in 1880 and
   centenarians upgraded from 15-digit cards can carry ``18`` years; anything earlier is a typo.
5. The check character.

Divergences from python-stdnum 2.2 ``stdnum.cn.ric`` (tested in ``tests/test_resident_id.py``):

* stdnum checks the address code against its GB/T 2260 history with validity years, and so
  rejects genuine numbers whose county was created after the birth year or has since been
  abolished, including the standard's example ``440524188001010014`` (汕头 潮阳 in 1880);
* for the same reason it rejects every residence-permit number (810000/820000/830000 are not
  counties in its database) and foreign PR numbers starting with 9;
* it does not refuse birth dates in the future;
* it accepts any birth year, e.g. 0001 or 1066, if the address code happens to be listed with
  an open start (it does refuse the date 0000-01-01 because that is not a date).
"""

from __future__ import annotations

import datetime
from typing import Final

from ._base import InvalidIdentifier, normalise, require_str
from ._checks import PROVINCES, mod11_2_check, real_date

__all__ = [
    "EARLIEST_BIRTH_DATE",
    "RESIDENCE_PERMIT_REGIONS",
    "birth_date",
    "check_character",
    "is_legacy_15",
    "is_valid",
    "normalise",
    "residence_permit_region",
    "sex",
    "upgrade_15_to_18",
    "validate",
]

LABEL: Final = "身份证号码"
EARLIEST_BIRTH_DATE: Final = datetime.date(1800, 1, 1)
#: Fixed address codes of HK / Macao / Taiwan residents' residence permits.
RESIDENCE_PERMIT_REGIONS: Final[dict[str, str]] = {
    "810000": "hong_kong",
    "820000": "macao",
    "830000": "taiwan",
}
_PERMIT_NAMES: Final = {"81": "香港", "82": "澳门", "83": "台湾"}


def check_character(body17: str) -> str:
    """MOD 11-2 check character (``0-9`` or ``X``) of the first 17 digits."""
    body = normalise(require_str(body17, "resident_id", LABEL))
    if len(body) != 17 or not (body.isascii() and body.isdigit()):
        raise InvalidIdentifier(
            "resident_id.format", f"计算校验位需要{LABEL}前 17 位数字", length=len(body)
        )
    return mod11_2_check(body)


def _legacy_error(s: str) -> InvalidIdentifier:
    # The upgraded number goes into params only: messages end up in logs, ID numbers must not
    # (SPEC ACC-7). A form may show params["upgraded"] to the person who typed the number.
    try:
        upgraded = upgrade_15_to_18(s)
    except InvalidIdentifier:
        upgraded = ""
    return InvalidIdentifier(
        "resident_id.legacy_15",
        f"这是 15 位的旧{LABEL}，请改为 18 位身份证号码后再填写",
        upgraded=upgraded,
    )


def validate(s: object, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character number or raise :class:`InvalidIdentifier`.

    ``today`` (default: the local date) bounds the birth date; pass it in tests.
    """
    s = normalise(require_str(s, "resident_id", LABEL))
    if not s:
        raise InvalidIdentifier("resident_id.empty", f"请填写{LABEL}")
    if len(s) == 15 and s.isascii() and s.isdigit():
        raise _legacy_error(s)
    if len(s) != 18:
        raise InvalidIdentifier(
            "resident_id.length", f"{LABEL}应为 18 位，实际为 {len(s)} 位", length=len(s)
        )
    for pos, c in enumerate(s, start=1):
        if not ("0" <= c <= "9" or (pos == 18 and c == "X")):
            allowed = "数字或 X" if pos == 18 else "数字"
            raise InvalidIdentifier(
                "resident_id.char",
                f"{LABEL}第 {pos} 位字符“{c}”不允许，应为{allowed}",
                position=pos,
                char=c,
            )
    _check_region(s)
    _check_birth_date(s[6:14], today)
    expected = mod11_2_check(s[:17])
    if s[17] != expected:
        raise InvalidIdentifier(
            "resident_id.check_digit",
            f"{LABEL}校验位（第 18 位）应为 {expected}，实际为 {s[17]}，请核对号码是否填写有误",
            position=18,
            expected=expected,
            actual=s[17],
        )
    return s


def _check_region(s: str) -> None:
    if s[0] == "9":
        raise InvalidIdentifier(
            "resident_id.foreign_permanent_resident",
            f"以 9 开头的是外国人永久居留身份证号码，不是{LABEL}；"
            "请选择证件类型“外国人永久居留身份证”",
        )
    province = s[:2]
    if province in _PERMIT_NAMES:
        if s[:6] not in RESIDENCE_PERMIT_REGIONS:
            raise InvalidIdentifier(
                "resident_id.permit_region",
                f"{_PERMIT_NAMES[province]}居民居住证号码的前 6 位应为 {province}0000，"
                f"实际为 {s[:6]}",
                region=s[:6],
            )
    elif province not in PROVINCES:
        raise InvalidIdentifier(
            "resident_id.region",
            f"{LABEL}前 2 位“{province}”不是有效的省级行政区划代码",
            region=province,
        )


def _check_birth_date(digits: str, today: datetime.date | None) -> datetime.date:
    date = real_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    if date is None:
        raise InvalidIdentifier(
            "resident_id.birth_date",
            f"{LABEL}第 7-14 位出生日期“{digits}”不是有效日期",
            birth_date=digits,
        )
    if date < EARLIEST_BIRTH_DATE:
        raise InvalidIdentifier(
            "resident_id.birth_date_too_early",
            f"{LABEL}第 7-14 位出生日期“{digits}”早于 1800 年，请核对",
            birth_date=digits,
        )
    if date > (today or datetime.date.today()):
        raise InvalidIdentifier(
            "resident_id.birth_date_future",
            f"{LABEL}第 7-14 位出生日期“{digits}”晚于今天，请核对",
            birth_date=digits,
        )
    return date


def is_valid(s: object, *, today: datetime.date | None = None) -> bool:
    """``True`` if ``s`` is a valid 18-character number after normalisation. Never raises."""
    try:
        validate(s, today=today)
    except InvalidIdentifier:
        return False
    return True


def is_legacy_15(s: object) -> bool:
    """``True`` if ``s`` looks like a valid 15-digit GB 11643-1989 number. Never raises.

    Checked: 15 digits, known province (or 81/82/83 as above), a real date in 19YY.
    """
    try:
        upgrade_15_to_18(s)
    except InvalidIdentifier:
        return False
    return True


def upgrade_15_to_18(s: object, *, century: int = 19, today: datetime.date | None = None) -> str:
    """Upgrade a 15-digit number: insert the century after the address code, append the check.

    ``century`` is 19 for nearly everyone; a few pre-1900 centenarians need 18, which only
    other records can tell. The result is validated (``today`` as in :func:`validate`).
    """
    if century not in (18, 19):
        raise ValueError("century must be 18 or 19")
    text = normalise(require_str(s, "resident_id", LABEL))
    if len(text) != 15 or not (text.isascii() and text.isdigit()):
        raise InvalidIdentifier(
            "resident_id.legacy_format", f"15 位旧{LABEL}应为 15 位数字", length=len(text)
        )
    body = text[:6] + str(century) + text[6:]
    return validate(body + mod11_2_check(body), today=today)


def _valid_18_or_15(s: object) -> str:
    text = normalise(require_str(s, "resident_id", LABEL))
    if len(text) == 15:
        return upgrade_15_to_18(text)
    return validate(text)


def birth_date(s: object) -> datetime.date:
    """Birth date of a valid 18-digit number (or a 15-digit one, read as 19YY)."""
    digits = _valid_18_or_15(s)[6:14]
    return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def sex(s: object) -> str:
    """``"male"`` or ``"female"`` from the parity of the sequence number (18 or 15 digits)."""
    return "male" if int(_valid_18_or_15(s)[16]) % 2 else "female"


def residence_permit_region(s: object) -> str | None:
    """``"hong_kong"``, ``"macao"`` or ``"taiwan"`` for a valid residence-permit number, else
    ``None`` (a valid citizen number). Raises for invalid input."""
    return RESIDENCE_PERMIT_REGIONS.get(validate(s)[:6])
