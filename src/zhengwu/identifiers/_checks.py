"""Check-character algorithms shared by several identifiers, written to read like the standards.

These are the *reference* implementations: explicit weights, one loop, no tricks. Hot paths
(``uscc.is_valid``) use faster equivalent arithmetic, and the tests compare the two.
"""

from __future__ import annotations

import datetime
import string

__all__ = [
    "GB11714_ALPHABET",
    "GB11714_WEIGHTS",
    "GB32100_ALPHABET",
    "GB32100_VALUES",
    "GB32100_WEIGHTS",
    "MOD11_2_WEIGHTS",
    "PROVINCES",
    "gb11714_check",
    "gb32100_check",
    "icao_731_check",
    "mod11_2_check",
    "real_date",
]

# GB 32100-2015 Annex A: 31 symbols, the letters I, O, S, V and Z are never used.
GB32100_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_VALUES: dict[str, int] = {c: i for i, c in enumerate(GB32100_ALPHABET)}
# W_i = 3^(i-1) mod 31 for i = 1..17 (= 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28).
GB32100_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

# GB 11714-1997 Annex A: 0-9 -> 0-9 and all 26 letters A-Z -> 10-35.
GB11714_ALPHABET = string.digits + string.ascii_uppercase
GB11714_VALUES: dict[str, int] = {c: i for i, c in enumerate(GB11714_ALPHABET)}
# W_i = 2^(9-i) mod 11 for i = 1..8.
GB11714_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)

# ISO 7064 MOD 11-2 as used by GB 11643-1999: W_i = 2^(18-i) mod 11 for i = 1..17.
MOD11_2_WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
_MOD11_2_CHECK = "10X98765432"  # indexed by (sum mod 11)

# GB/T 2260 province-level codes (first two digits of an address code). 71 = 台湾省 as listed in
# GB/T 2260; 81/82 = the HK/Macao SARs; 83 is not a GB/T 2260 code, it only appears in the fixed
# address code 830000 of Taiwan residents' residence permits.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
}
MAINLAND_PROVINCES: frozenset[str] = frozenset(p for p in PROVINCES if p != "71")


def gb32100_check(body17: str) -> str:
    """GB 32100-2015 §5 check character of the first 17 USCC characters (assumed well-formed)."""
    total = sum(GB32100_VALUES[c] * w for c, w in zip(body17, GB32100_WEIGHTS, strict=True))
    return GB32100_ALPHABET[(31 - total % 31) % 31]


def gb11714_check(body8: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation-code body (well-formed)."""
    total = sum(GB11714_VALUES[c] * w for c, w in zip(body8, GB11714_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def mod11_2_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999), ``0-9`` or ``X``."""
    total = sum(int(c) * w for c, w in zip(body17, MOD11_2_WEIGHTS, strict=True))
    return _MOD11_2_CHECK[total % 11]


def icao_731_check(s: str) -> str:
    """ICAO Doc 9303 check digit: weights 7 3 1 repeating, A=10 … Z=35, ``<`` = 0, sum mod 10."""
    total = 0
    for i, c in enumerate(s):
        total += (0 if c == "<" else GB11714_VALUES[c]) * (7, 3, 1)[i % 3]
    return str(total % 10)


def real_date(year: int, month: int, day: int) -> datetime.date | None:
    """The calendar date, or ``None`` if it does not exist (30 February, month 13, ...)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
