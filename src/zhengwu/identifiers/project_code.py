"""Project codes for units without any licence (SPEC REG-9, manual channel).

What REG-9 calls "the 18-character project code" comes from seed S1 (Zhejiang, 无任何证照的临时
项目工程): the applicant enters "虚拟社保编号 … 即工程编码栏 18 位的号码，字母大写", i.e. the code a
social-insurance agency assigns to a construction project insured per project
(按建设项目为单位参保).
The seed's sample form shows ``X1330211040113985T``. No public standard for this code was found,
so the format is inferred from that sample, which has the *shape of a USCC*:

* 18 characters from the GB 32100 alphabet (0-9 and letters without I, O, S, V, Z);
* positions 3-8 are a 6-digit region code (``330211`` = 宁波市镇海区, where the form was stamped);
* position 18 is the **GB 32100 check character** of the first 17 — the sample passes it
  (``T``), which a random code does with probability 1/31, so this is taken as the rule;
* positions 9-17 do *not* pass the GB 11714 organisation-code check (the sample fails it), and
  positions 1-2 (``X1``) are not a GB 32100 authority/category pair — neither is checked.

This is an inference from one real sample: it is strict where the evidence is strong (check
character) and lenient elsewhere, because the channel ends with a human reviewer anyway. A real
USCC also satisfies these rules; the manual channel accepts "unit code or project code", so
that is harmless.

The brief also mentioned the national investment-project code of 全国投资项目在线审批监管平台
(``YYYY-RRRRRR-II-TT-NNNNNN``: year, GB/T 2260 region, industry, project type, serial). It is
**20** digits without hyphens (24 characters with them), not 18, so it cannot be REG-9's
18-character code; it is still offered as :func:`validate_investment` because temporary
construction projects often have one. Only its shape is checked (year between 2000 and this
year, digits elsewhere); the industry and type code lists are not public enough to enforce.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise
from ._checks import GB32100_VALUES, gb32100_check

__all__ = [
    "is_valid",
    "is_valid_investment",
    "normalise",
    "validate",
    "validate_investment",
]

LABEL: Final = "项目代码"
INVESTMENT_LABEL: Final = "投资项目代码"
_HYPHENS: Final = dict.fromkeys(map(ord, "-‐‑‒–—―"))
_INVESTMENT = re.compile(r"([0-9]{4})-?([0-9]{6})-?([0-9]{2})-?([0-9]{2})-?([0-9]{6})")


def normalise(s: str) -> str:
    """NFKC, no whitespace or hyphens, upper case."""
    return _normalise(s).translate(_HYPHENS)


def validate(s: object) -> str:
    """Return the normalised 18-character project code or raise :class:`InvalidIdentifier`."""
    t = normalise(require_str(s, "project_code", LABEL))
    if not t:
        raise InvalidIdentifier("project_code.empty", f"请填写{LABEL}")
    if len(t) != 18:
        raise InvalidIdentifier(
            "project_code.length", f"{LABEL}应为 18 位，实际为 {len(t)} 位", length=len(t)
        )
    for pos, c in enumerate(t, start=1):
        if c not in GB32100_VALUES:
            raise InvalidIdentifier(
                "project_code.char",
                f"{LABEL}第 {pos} 位字符“{c}”不允许：只能使用数字和除 I、O、S、V、Z 以外的"
                f"大写英文字母",
                position=pos,
                char=c,
            )
    for pos in range(3, 9):
        if not t[pos - 1].isdigit():
            raise InvalidIdentifier(
                "project_code.region",
                f"{LABEL}第 3-8 位应为 6 位行政区划数字，第 {pos} 位却是“{t[pos - 1]}”",
                position=pos,
                char=t[pos - 1],
            )
    expected = gb32100_check(t[:17])
    if t[17] != expected:
        raise InvalidIdentifier(
            "project_code.check_digit",
            f"{LABEL}校验位（第 18 位）应为 {expected}，实际为 {t[17]}，请核对号码是否填写有误",
            position=18,
            expected=expected,
            actual=t[17],
        )
    return t


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a valid 18-character project code after normalisation. Never raises."""
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True


def validate_investment(s: object, *, today: datetime.date | None = None) -> str:
    """Return an investment-project code as ``YYYY-RRRRRR-II-TT-NNNNNN`` or raise."""
    t = _normalise(require_str(s, "investment_project_code", INVESTMENT_LABEL))
    m = _INVESTMENT.fullmatch(t)
    if m is None:
        raise InvalidIdentifier(
            "investment_project_code.format",
            f"{INVESTMENT_LABEL}格式应为“年份-行政区划-行业-类型-流水号”，共 20 位数字，"
            f"如 2024-330106-47-01-000123",
        )
    year = int(m.group(1))
    this_year = (today or datetime.date.today()).year
    if not 2000 <= year <= this_year:
        raise InvalidIdentifier(
            "investment_project_code.year",
            f"{INVESTMENT_LABEL}第 1-4 位赋码年份“{year}”无效",
            year=year,
        )
    return "-".join(m.groups())


def is_valid_investment(s: object, *, today: datetime.date | None = None) -> bool:
    """``True`` if ``s`` is a well-formed investment-project code. Never raises."""
    try:
        validate_investment(s, today=today)
    except InvalidIdentifier:
        return False
    return True
