"""Deterministic generators of valid identifiers, for tests, demo data and benchmarks.

Every function takes a :class:`random.Random` first, so the same seed gives the same values
(iteration orders are fixed: no set or hash order is involved). The values are *valid*, not
*real*: never use them as if they identified a real person or organisation. Generated resident
IDs and mobiles are nevertheless possible real ones; demo data should say it is fictitious.
"""

from __future__ import annotations

import datetime
import random
import string
from typing import Final

from ._checks import (
    GB11714_ALPHABET,
    GB32100_ALPHABET,
    MAINLAND_PROVINCES,
    gb11714_check,
    gb32100_check,
    icao_731_check,
    mod11_2_check,
)
from .uscc import VALID_PREFIXES

__all__ = [
    "REGIONS",
    "foreign_pr",
    "hkmo_permit",
    "landline",
    "mobile",
    "org_code",
    "passport",
    "project_code",
    "residence_permit",
    "resident_id",
    "resident_id_15",
    "tw_permit",
    "uscc",
]

#: Real GB/T 2260 county-level codes (and 100000, national level) used by default. All of them
#: have existed since 1983-2000 (python-stdnum knows them), so IDs born after 2000 in them pass
#: stdnum too.
REGIONS: Final[tuple[str, ...]] = (
    "110105", "110108", "310104", "310115", "320506", "330106", "330211", "330382", "350203",
    "370102", "420106", "440305", "510107", "230102", "650102", "500103", "610113", "210102",
)  # fmt: skip
USCC_PREFIXES: Final[tuple[str, ...]] = tuple(sorted(VALID_PREFIXES))
_PROVINCES: Final[tuple[str, ...]] = tuple(sorted(MAINLAND_PROVINCES))
# Voice segments of STANDARDS.md §2.9 (3-digit; 1610x/1740x handled separately).
MOBILE_SEGMENTS: Final[tuple[str, ...]] = tuple(
    f"1{d}"
    for d in (
        [f"3{i}" for i in range(10)]
        + ["45", "47", "50", "51", "52", "53", "55", "56", "57", "58", "59", "62", "65", "66"]
        + ["67", "70", "71", "72", "73", "75", "76", "77", "78"]
        + [f"8{i}" for i in range(10)]
        + ["90", "91", "92", "93", "95", "96", "97", "98", "99"]
    )
)
_AREA_CODES: Final[tuple[str, ...]] = (
    "010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0571", "0574", "0451",
    "0755", "0591",
)  # fmt: skip
_NATIONALITIES: Final[tuple[tuple[str, str], ...]] = (
    ("USA", "840"), ("GBR", "826"), ("DEU", "276"), ("FRA", "250"), ("JPN", "392"),
    ("KOR", "410"), ("KAZ", "398"), ("RUS", "643"), ("CAN", "124"), ("AUS", "036"),
)  # fmt: skip


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    return _chars(rng, string.digits, n)


def _date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def org_body(rng: random.Random, *, alphabet: str = GB11714_ALPHABET) -> str:
    """An 8-character organisation-code body: legacy all-digit, ``MA…`` style or random."""
    style = rng.randrange(3)
    if style == 0:
        return _digits(rng, 8)
    if style == 1:
        return "MA" + _chars(rng, alphabet, 6)
    return _chars(rng, alphabet, 8)


def org_code(rng: random.Random, *, digits_only: bool = False) -> str:
    """A valid 9-character GB 11714 organisation code (letters from all of A-Z)."""
    body = _digits(rng, 8) if digits_only else org_body(rng)
    if body.startswith("PDY"):  # reserved block
        body = "MA" + body[2:]
    return body + gb11714_check(body)


def uscc(
    rng: random.Random,
    *,
    prefix: str | None = None,
    region: str | None = None,
    org_body8: str | None = None,
) -> str:
    """A valid USCC. ``prefix`` (2 chars) defaults to a uniform choice of the 36 valid pairs."""
    prefix = prefix or rng.choice(USCC_PREFIXES)
    region = region or rng.choice(REGIONS)
    body = org_body8 or org_body(rng, alphabet=GB32100_ALPHABET)
    first17 = prefix + region + body + gb11714_check(body)
    return first17 + gb32100_check(first17)


def _id_body(
    rng: random.Random,
    region: str,
    birth_date: datetime.date | None,
    sex: str | None,
    start: datetime.date,
    end: datetime.date,
) -> str:
    born = birth_date or _date(rng, start, end)
    seq = rng.randrange(1000)
    if sex is not None and (seq % 2 == 1) != (sex == "male"):
        seq = seq ^ 1
    return f"{region}{born:%Y%m%d}{seq:03d}"


def resident_id(
    rng: random.Random,
    *,
    region: str | None = None,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    start: datetime.date = datetime.date(1940, 1, 1),
    end: datetime.date = datetime.date(2008, 12, 31),
) -> str:
    """A valid 18-digit citizen number. ``sex`` is ``"male"``, ``"female"`` or random."""
    body = _id_body(rng, region or rng.choice(REGIONS), birth_date, sex, start, end)
    return body + mod11_2_check(body)


def residence_permit(rng: random.Random, *, region: str | None = None) -> str:
    """A valid HK/Macao/Taiwan residents' residence-permit number (810000/820000/830000)."""
    return resident_id(rng, region=region or rng.choice(("810000", "820000", "830000")))


def resident_id_15(
    rng: random.Random,
    *,
    region: str | None = None,
    start: datetime.date = datetime.date(1930, 1, 1),
    end: datetime.date = datetime.date(1999, 12, 31),
) -> str:
    """A well-formed legacy 15-digit number (born 19YY)."""
    body = _id_body(rng, region or rng.choice(REGIONS), None, None, start, end)
    return body[:6] + body[8:]


def mobile(rng: random.Random) -> str:
    """A valid 11-digit mainland mobile number."""
    return rng.choice(MOBILE_SEGMENTS) + _digits(rng, 8)


def landline(rng: random.Random, *, extension: bool = False) -> str:
    """A landline in canonical form ``0571-87654321`` (optionally with ``-123``)."""
    area = rng.choice(_AREA_CODES)
    length = 8 if len(area) == 3 else rng.choice((7, 8))
    number = f"{area}-{rng.randrange(2, 10)}{_digits(rng, length - 1)}"
    return f"{number}-{rng.randrange(1, 1000)}" if extension else number


def project_code(rng: random.Random) -> str:
    """A valid 18-character REG-9 project code shaped like the seed's ``X1330211040113985T``."""
    first17 = "X1" + rng.choice(REGIONS) + _chars(rng, GB32100_ALPHABET, 9)
    return first17 + gb32100_check(first17)


def hkmo_permit(rng: random.Random) -> str:
    """A well-formed HK/Macao permit number, ``H``/``M`` + 8 digits (sometimes + issue count)."""
    number = rng.choice("HM") + _digits(rng, 8)
    return number + f"{rng.randrange(5):02d}" if rng.random() < 0.2 else number


def tw_permit(rng: random.Random) -> str:
    """A well-formed 8-digit Taiwan residents' permit number."""
    return _digits(rng, 8)


def passport(rng: random.Random) -> str:
    """A well-formed ordinary e-passport number (``E`` + 8 digits or ``E`` + letter + 7)."""
    if rng.random() < 0.7:
        return "E" + _digits(rng, 8)
    return "E" + rng.choice(string.ascii_uppercase) + _digits(rng, 7)


def foreign_pr(rng: random.Random, *, legacy: bool = False) -> str:
    """A valid foreign permanent resident ID: 2023 18-digit form, or the old 15-char form."""
    alpha3, numeric = rng.choice(_NATIONALITIES)
    province = rng.choice(_PROVINCES)
    born = _date(rng, datetime.date(1940, 1, 1), datetime.date(2008, 12, 31))
    if legacy:
        first14 = f"{alpha3}{province}00{born:%y%m%d}{rng.randrange(10)}"
        return first14 + icao_731_check(first14)
    body = f"9{province}{numeric}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + mod11_2_check(body)
