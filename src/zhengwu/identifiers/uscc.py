"""Unified Social Credit Code 统一社会信用代码 (GB 32100-2015 + amendment No. 1, XG1-2016).

Structure (18 characters)::

    pos 1     登记管理部门代码   registration authority            see AUTHORITIES
    pos 2     机构类别代码       organisation category             per authority
    pos 3-8   登记管理机关行政区划码  region of the *registering authority* (GB/T 2260, 100000 =
              national level); 6 digits, never checked against today's division list because
              a code is kept for life while divisions are merged and renamed
    pos 9-17  主体标识码 = GB 11714 organisation code (8-character body + check character)
    pos 18    校验码 check character

Alphabet: ``0-9 A-H J-N P-R T U W-Y`` (31 symbols; no I, O, S, V, Z), values 0-30 in that order.

Check character (GB 32100 §5, ISO 7064-style pure system over 31)::

    W_i = 3^(i-1) mod 31        (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
    C18 = (31 - Σ C_i·W_i mod 31) mod 31

It detects every single substitution and every adjacent transposition (31 is prime and the
weights and their neighbour differences are non-zero mod 31). Positions 9-17 must additionally
pass the GB 11714 check computed with the *GB 11714* values of letters (A=10 … Z=35, so ``J`` is
19 there, not 18): see :mod:`zhengwu.identifiers.orgcode`.

Validation order (the first failure is reported): type, empty, length, alphabet (with the
position), region digits, authority, category for that authority, organisation-code check,
check character.

Known genuine codes that break the rules (early Xiamen pilot codes failing the pos-18 check,
STANDARDS.md §1.7) are listed in :data:`KNOWN_IRREGULAR`; pass them (or a configured list) as
``allow=`` to accept them. They are never accepted implicitly.

Divergences from python-stdnum 2.2 ``stdnum.cn.uscc`` (tested in ``tests/test_uscc.py``):

* stdnum requires the first 8 characters to be digits, so it rejects valid codes whose
  authority is ``A`` (军队), ``N`` (农业) or ``Y`` (其他), e.g. ``N2…`` village collectives;
* stdnum does not check the authority/category table, so it accepts ``000000000000000000``
  and other impossible prefixes (``00``, ``94``, ``B1`` …);
* stdnum skips the GB 11714 check of positions 9-17 (and allows any letter at position 17).

Performance: :func:`is_valid` is the hot path (bulk imports of the market-entity registry). It
avoids per-character Python loops: one pre-compiled regular expression for the shape, a
frozenset for the prefix, and two ``int(…, base)`` conversions for the two weighted sums —
``int(s, 34)`` evaluates a polynomial in 34 ≡ 3 (mod 31), ``int(s, 35)`` one in 35 ≡ 2
(mod 11). :func:`validate` uses the plain reference formulas; the tests check they agree.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Final

from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise
from ._checks import GB32100_ALPHABET, GB32100_VALUES, gb11714_check, gb32100_check

__all__ = [
    "AUTHORITIES",
    "KNOWN_IRREGULAR",
    "LEGAL_PERSON_TYPES",
    "VALID_PREFIXES",
    "Authority",
    "Category",
    "authority",
    "category",
    "check_character",
    "is_valid",
    "legal_person_type",
    "normalise",
    "organisation_code",
    "region",
    "validate",
    "validate_for_legal_person_type",
]

LABEL: Final = "统一社会信用代码"
LENGTH: Final = 18


@dataclass(frozen=True, slots=True)
class Category:
    """Organisation category (position 2), e.g. ``Category("1", "企业")`` under authority 9."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Authority:
    """Registration authority (position 1) and the categories it may assign."""

    code: str
    name: str
    categories: dict[str, Category]


def _authority(code: str, name: str, *categories: tuple[str, str]) -> Authority:
    return Authority(code, name, {c: Category(c, n) for c, n in categories})


# GB 32100-2015 + XG1-2016, consolidated table of STANDARDS.md §1.4.
AUTHORITIES: Final[dict[str, Authority]] = {
    a.code: a
    for a in (
        _authority(
            "1",
            "机构编制",
            ("1", "机关"),
            ("2", "事业单位"),
            ("3", "中央编办直接管理机构编制的群众团体"),
            ("9", "其他"),
        ),
        _authority("2", "外交", ("1", "外国常驻新闻机构"), ("9", "其他")),
        _authority(
            "3",
            "司法行政",
            ("1", "律师执业机构"),
            ("2", "公证处"),
            ("3", "基层法律服务所"),
            ("4", "司法鉴定机构"),
            ("5", "仲裁委员会"),
            ("9", "其他"),
        ),
        _authority("4", "文化", ("1", "外国在华文化中心"), ("9", "其他")),
        _authority(
            "5",
            "民政",
            ("1", "社会团体"),
            ("2", "民办非企业单位（社会服务机构）"),
            ("3", "基金会"),
            ("9", "其他"),
        ),
        _authority(
            "6",
            "旅游",
            ("1", "外国旅游部门常驻代表机构"),
            ("2", "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            ("9", "其他"),
        ),
        _authority("7", "宗教", ("1", "宗教活动场所"), ("2", "宗教院校"), ("9", "其他")),
        _authority("8", "工会", ("1", "基层工会"), ("9", "其他")),
        _authority("9", "工商", ("1", "企业"), ("2", "个体工商户"), ("3", "农民专业合作社")),
        _authority("A", "中央军委改革和编制办公室", ("1", "军队事业单位"), ("9", "其他")),
        _authority(
            "N",
            "农业",
            ("1", "组级集体经济组织"),
            ("2", "村级集体经济组织"),
            ("3", "乡镇级集体经济组织"),
            ("9", "其他"),
        ),
        _authority("Y", "其他", ("1", "其他")),
    )
}

#: The 36 valid first-two-character pairs (``"11"``, ``"12"`` … ``"Y1"``).
VALID_PREFIXES: Final[frozenset[str]] = frozenset(
    a.code + c for a in AUTHORITIES.values() for c in a.categories
)

#: Genuine early pilot codes (Xiamen, 2015) whose check character is wrong (STANDARDS.md §1.7).
KNOWN_IRREGULAR: Final[frozenset[str]] = frozenset(
    {"91350211M0000XUF46", "91350100M0001TGQXM", "91350203M0001FUE2P", "91350203M0001QAY9B"}
)

#: Legal-person types of SPEC REG-1 (stable keys) and their Chinese names.
LEGAL_PERSON_TYPES: Final[dict[str, str]] = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "cooperative": "农民专业合作社",
    "social_organisation": "社会组织",
    "agency": "机关、群团",
    "public_institution": "事业单位",
    "other": "其他非法人单位",
}

# SPEC REG-2 / seed S3 item 9: 91 enterprise, 92 individual business, 93 co-operative,
# N*/3*/5*/6*/7* social organisations, 11 agencies, 12 public institutions. Prefixes the
# spec does not name are mapped to the nearest type, with the reason:
#   13 中央编办直接管理机构编制的群众团体 -> agency
#      (SPEC §0: "agency or mass organisation (机关/群团)")
#   A1 军队事业单位 -> public_institution (it is a public institution, registered by the army)
#   8* 工会 -> social_organisation (工会法 Art. 15: a qualifying grassroots union is a 社会团体法人)
#   19, 2*, 4*, A9, Y1 -> other
_LEGAL_PERSON_TYPE_BY_PREFIX: Final[dict[str, str]] = {
    "91": "enterprise",
    "92": "individual_business",
    "93": "cooperative",
    "11": "agency",
    "13": "agency",
    "12": "public_institution",
    "A1": "public_institution",
}
_SOCIAL_ORGANISATION_AUTHORITIES: Final = frozenset("35678N")
_EXPECTED_PREFIXES: Final[dict[str, str]] = {
    "enterprise": "91",
    "individual_business": "92",
    "cooperative": "93",
    "social_organisation": "3、5、6、7、8 或 N",
    "agency": "11 或 13",
    "public_institution": "12 或 A1",
    "other": "19、2、4、A9 或 Y1",
}

# Characters people type by mistake for a missing symbol (STANDARDS.md §1.8: suggest, never fix).
_LOOKALIKES: Final[dict[str, str]] = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}

# --- fast path ------------------------------------------------------------------------------
_SHAPE = re.compile(
    r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{8}[0-9X][0-9A-HJ-NPQRTUWXY]"
)
_shape_match = _SHAPE.fullmatch
# Map each USCC symbol to the base-36 digit of the same value (J -> "I" = 18, ..., Y -> "U" = 30)
# so that int(..., 34) sees the GB 32100 values.
_TO_BASE36: Final = str.maketrans(GB32100_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU")
_CHECK_VALUE: Final = GB32100_VALUES
_HYPHENS: Final = dict.fromkeys(map(ord, "-‐‑‒–—―"))


def normalise(s: str) -> str:
    """NFKC, remove whitespace and hyphens, upper-case (``"9135 0100-m000100y43"`` → canonical)."""
    return _normalise(s).translate(_HYPHENS)


def is_valid(s: object, *, allow: Container[str] = ()) -> bool:
    """``True`` if ``s`` is a valid USCC after normalisation, or is in ``allow``. Never raises."""
    if type(s) is not str:
        if not isinstance(s, str):
            return False
        s = str(s)
    # Fast normalisation: plain ASCII letters and digits need only upper-casing.
    s = s.upper() if s.isascii() and s.isalnum() else normalise(s)
    if (
        _shape_match(s) is not None
        and s[:2] in VALID_PREFIXES
        # GB 11714 over positions 9-17: Σ C_i·2^(9-i) + C9 ≡ 0 (mod 11), and 35 ≡ 2 (mod 11).
        # int(…, 35) gives letters their GB 11714 values (A=10 … Y=34; Z cannot occur here).
        and (2 * int(s[8:16], 35) + (10 if s[16] == "X" else ord(s[16]) - 48)) % 11 == 0
        # GB 32100 over positions 1-17 reversed: Σ C_i·34^(i-1) ≡ Σ C_i·3^(i-1) (mod 31).
        and (int(s[16::-1].translate(_TO_BASE36), 34) + _CHECK_VALUE[s[17]]) % 31 == 0
    ):
        return True
    return bool(allow) and s in allow


def validate(s: object, *, allow: Container[str] = ()) -> str:
    """Return the normalised code, or raise :class:`InvalidIdentifier` naming the first problem.

    ``allow`` lists normalised codes accepted even though they break the rules (for instance
    :data:`KNOWN_IRREGULAR`, or an operator-maintained override list).
    """
    s = normalise(require_str(s, "uscc", LABEL))
    if s in allow:
        return s
    if not s:
        raise InvalidIdentifier("uscc.empty", f"请填写{LABEL}")
    if len(s) != LENGTH:
        raise InvalidIdentifier(
            "uscc.length", f"{LABEL}应为 18 位，实际为 {len(s)} 位", length=len(s)
        )
    for pos, c in enumerate(s, start=1):
        if c not in GB32100_VALUES:
            hint = f"（“{c}”是否应为“{_LOOKALIKES[c]}”？）" if c in _LOOKALIKES else ""
            raise InvalidIdentifier(
                "uscc.char",
                f"{LABEL}第 {pos} 位字符“{c}”不允许：只能使用数字和除 I、O、S、V、Z 以外的"
                f"大写英文字母{hint}",
                position=pos,
                char=c,
            )
    for pos in range(3, 9):
        if not s[pos - 1].isdigit():
            raise InvalidIdentifier(
                "uscc.region",
                f"{LABEL}第 3-8 位是登记管理机关行政区划码，应为 6 位数字，"
                f"第 {pos} 位却是“{s[pos - 1]}”",
                position=pos,
                char=s[pos - 1],
            )
    auth = _authority_or_raise(s)
    _category_or_raise(s, auth)
    expected_org = gb11714_check(s[8:16])
    if s[16] != expected_org:
        raise InvalidIdentifier(
            "uscc.org_code_check",
            f"{LABEL}第 9-17 位（组织机构代码）的校验位（第 17 位）应为 {expected_org}，"
            f"实际为 {s[16]}",
            position=17,
            expected=expected_org,
            actual=s[16],
        )
    expected = gb32100_check(s[:17])
    if s[17] != expected:
        raise InvalidIdentifier(
            "uscc.check_digit",
            f"{LABEL}校验位（第 18 位）应为 {expected}，实际为 {s[17]}，请核对代码是否填写有误",
            position=18,
            expected=expected,
            actual=s[17],
        )
    return s


def check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code.

    Raises :class:`InvalidIdentifier` (``uscc.length`` / ``uscc.char``) if ``first17`` is not 17
    characters of the USCC alphabet after normalisation.
    """
    body = normalise(require_str(first17, "uscc", LABEL))
    if len(body) != 17:
        raise InvalidIdentifier(
            "uscc.length", f"计算校验位需要{LABEL}前 17 位，实际为 {len(body)} 位", length=len(body)
        )
    for pos, c in enumerate(body, start=1):
        if c not in GB32100_VALUES:
            raise InvalidIdentifier(
                "uscc.char", f"{LABEL}第 {pos} 位字符“{c}”不允许", position=pos, char=c
            )
    return gb32100_check(body)


def _prefix(code: object) -> str:
    s = normalise(require_str(code, "uscc", LABEL))
    if len(s) < 2:
        raise InvalidIdentifier(
            "uscc.length", f"{LABEL}应为 18 位，实际为 {len(s)} 位", length=len(s)
        )
    return s


def _authority_or_raise(s: str) -> Authority:
    auth = AUTHORITIES.get(s[0])
    if auth is None:
        raise InvalidIdentifier(
            "uscc.authority",
            f"{LABEL}第 1 位登记管理部门代码“{s[0]}”不存在（应为 1-9、A、N 或 Y）",
            position=1,
            char=s[0],
        )
    return auth


def _category_or_raise(s: str, auth: Authority) -> Category:
    cat = auth.categories.get(s[1])
    if cat is None:
        allowed = "、".join(f"{c.code} {c.name}" for c in auth.categories.values())
        raise InvalidIdentifier(
            "uscc.category",
            f"{LABEL}第 2 位机构类别代码“{s[1]}”不适用于登记管理部门“{auth.name}”"
            f"（可用：{allowed}）",
            position=2,
            char=s[1],
            authority=auth.code,
        )
    return cat


def authority(code: object) -> Authority:
    """Registration authority of a code (its first character); only the prefix is checked."""
    return _authority_or_raise(_prefix(code))


def category(code: object) -> Category:
    """Organisation category of a code (its second character); only the prefix is checked."""
    s = _prefix(code)
    return _category_or_raise(s, _authority_or_raise(s))


def region(code: object) -> str:
    """Region code (positions 3-8) of a *valid* code: the registering authority's region."""
    return validate(code)[2:8]


def organisation_code(code: object) -> str:
    """The 9-character GB 11714 organisation code (positions 9-17) of a *valid* code."""
    return validate(code)[8:17]


def legal_person_type(code: object) -> str:
    """The SPEC REG-1 legal-person type key implied by the prefix of ``code``.

    ``code`` may be a full code or just its first two characters; an unknown prefix raises
    ``uscc.authority`` / ``uscc.category`` (it implies nothing). Returns one of the keys of
    :data:`LEGAL_PERSON_TYPES`.
    """
    s = _prefix(code)
    _category_or_raise(s, _authority_or_raise(s))
    prefix = s[:2]
    if prefix in _LEGAL_PERSON_TYPE_BY_PREFIX:
        return _LEGAL_PERSON_TYPE_BY_PREFIX[prefix]
    if prefix[0] in _SOCIAL_ORGANISATION_AUTHORITIES:
        return "social_organisation"
    return "other"


def validate_for_legal_person_type(s: object, expected: str, *, allow: Container[str] = ()) -> str:
    """:func:`validate`, then check that the prefix fits the legal-person type chosen (REG-2).

    Raises ``uscc.legal_person_type`` naming the field, the type the code implies and the
    expected type with its prefixes. ``expected`` must be a key of :data:`LEGAL_PERSON_TYPES`.
    """
    if expected not in LEGAL_PERSON_TYPES:
        raise KeyError(expected)
    code = validate(s, allow=allow)
    actual = legal_person_type(code)
    if actual != expected:
        raise InvalidIdentifier(
            "uscc.legal_person_type",
            f"{LABEL}以“{code[:2]}”开头，属于{LEGAL_PERSON_TYPES[actual]}，与所选法人类型"
            f"“{LEGAL_PERSON_TYPES[expected]}”不符（{LEGAL_PERSON_TYPES[expected]}的代码以 "
            f"{_EXPECTED_PREFIXES[expected]} 开头）",
            prefix=code[:2],
            expected=expected,
            actual=actual,
        )
    return code
