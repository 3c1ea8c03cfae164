"""Foreign Permanent Resident ID Card 外国人永久居留身份证 numbers (STANDARDS.md §2.7).

Two forms are valid while old cards remain in circulation:

2023 form (cards issued from 2023-12-01), 18 digits, GB 11643-style::

    pos 1      9 (marks a foreigner; citizen numbers start 1-8)
    pos 2-3    province-level code of the accepting authority (受理地), mainland GB/T 2260
    pos 4-6    nationality, ISO 3166-1 numeric (format only: no country list is kept here)
    pos 7-14   birth date YYYYMMDD
    pos 15-17  sequence; pos 17 odd = male
    pos 18     ISO 7064 MOD 11-2 check, exactly as for citizen numbers (``X`` possible)

Example: ``911840198001010013`` (Beijing, USA, 1980-01-01, male).

Old form (2004 / 2017 cards), 15 characters::

    pos 1-3    nationality, ISO 3166-1 alpha-3 letters (format only)
    pos 4-7    accepting authority: first 4 digits of a GB/T 2260 code (e.g. 1100)
    pos 8-13   birth date YYMMDD (the century is not encoded: 19YY or 20YY, whichever is real
               and not in the future, is accepted)
    pos 14     sequence digit
    pos 15     ICAO 9303 check digit over positions 1-14: weights 7 3 1, A=10 … Z=35, mod 10

Example: ``KAZ110090123105``. The 7-3-1 check misses a letter↔digit swap of equal value mod
10 and transpositions of digits differing by 5 (an ICAO property, not a bug here).

python-stdnum has no module for either form; ``stdnum.cn.ric`` rejects the 2023 form because
its address-code database has no counties starting with 9.
"""

from __future__ import annotations

import datetime
from typing import Final

from ._base import InvalidIdentifier, normalise, require_str
from ._checks import MAINLAND_PROVINCES, icao_731_check, mod11_2_check, real_date

__all__ = ["birth_date", "is_legacy_15", "is_valid", "normalise", "validate"]

LABEL: Final = "外国人永久居留身份证号码"
EARLIEST_BIRTH_DATE: Final = datetime.date(1800, 1, 1)


def _fail(code: str, message: str, **params: object) -> InvalidIdentifier:
    return InvalidIdentifier(f"foreign_pr.{code}", message, **params)


def validate(s: object, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18- or 15-character number or raise :class:`InvalidIdentifier`."""
    t = normalise(require_str(s, "foreign_pr", LABEL))
    today = today or datetime.date.today()
    if not t:
        raise _fail("empty", f"请填写{LABEL}")
    if len(t) == 18:
        _validate_18(t, today)
    elif len(t) == 15:
        _validate_15(t, today)
    else:
        raise _fail(
            "length",
            f"{LABEL}应为 18 位（2023 版）或 15 位（旧版），实际为 {len(t)} 位",
            length=len(t),
        )
    return t


def _validate_18(t: str, today: datetime.date) -> None:
    for pos, c in enumerate(t, start=1):
        if not ("0" <= c <= "9" or (pos == 18 and c == "X")):
            raise _fail("char", f"{LABEL}第 {pos} 位字符“{c}”不允许", position=pos, char=c)
    if t[0] != "9":
        raise _fail("prefix", f"18 位{LABEL}应以 9 开头；以 1-8 开头的是中国公民身份号码")
    if t[1:3] not in MAINLAND_PROVINCES:
        raise _fail(
            "region", f"{LABEL}第 2-3 位受理地代码“{t[1:3]}”不是有效的省级代码", region=t[1:3]
        )
    date = real_date(int(t[6:10]), int(t[10:12]), int(t[12:14]))
    if date is None or not EARLIEST_BIRTH_DATE <= date <= today:
        raise _fail("birth_date", f"{LABEL}第 7-14 位出生日期“{t[6:14]}”无效", birth_date=t[6:14])
    expected = mod11_2_check(t[:17])
    if t[17] != expected:
        raise _fail(
            "check_digit",
            f"{LABEL}校验位（第 18 位）应为 {expected}，实际为 {t[17]}",
            position=18,
            expected=expected,
            actual=t[17],
        )


def _validate_15(t: str, today: datetime.date) -> None:
    for pos, c in enumerate(t, start=1):
        ok = "A" <= c <= "Z" if pos <= 3 else "0" <= c <= "9"
        if not ok:
            kind = "大写英文字母（国籍代码）" if pos <= 3 else "数字"
            raise _fail(
                "char", f"旧版{LABEL}第 {pos} 位应为{kind}，实际为“{c}”", position=pos, char=c
            )
    if t[3:5] not in MAINLAND_PROVINCES:
        raise _fail("region", f"旧版{LABEL}第 4-7 位受理地代码“{t[3:7]}”无效", region=t[3:7])
    yy, mm, dd = int(t[7:9]), int(t[9:11]), int(t[11:13])
    dates = (real_date(century + yy, mm, dd) for century in (1900, 2000))
    if not any(d is not None and d <= today for d in dates):
        raise _fail(
            "birth_date", f"旧版{LABEL}第 8-13 位出生日期“{t[7:13]}”无效", birth_date=t[7:13]
        )
    expected = icao_731_check(t[:14])
    if t[14] != expected:
        raise _fail(
            "check_digit",
            f"旧版{LABEL}校验位（第 15 位）应为 {expected}，实际为 {t[14]}",
            position=15,
            expected=expected,
            actual=t[14],
        )


def is_valid(s: object, *, today: datetime.date | None = None) -> bool:
    """``True`` if ``s`` is a valid number of either form after normalisation. Never raises."""
    try:
        validate(s, today=today)
    except InvalidIdentifier:
        return False
    return True


def is_legacy_15(s: object) -> bool:
    """``True`` if ``s`` is a valid number of the old 15-character form. Never raises."""
    return is_valid(s) and len(normalise(str(s))) == 15


def birth_date(s: object) -> datetime.date:
    """Birth date of a valid 2023-form number (the old form does not encode the century)."""
    t = validate(s)
    if len(t) != 18:
        raise _fail("legacy_birth_date", f"旧版{LABEL}的出生年份不含世纪，无法确定出生日期")
    return datetime.date(int(t[6:10]), int(t[10:12]), int(t[12:14]))
