"""Electronic-licence identifier 电子证照标识 (GB/T 36904-2018 as implemented nationally).

Structure (dot-separated; STANDARDS.md §3.2)::

    1.2.156.3005.2 . 证照类型代码 . 证照颁发机构代码 . 流水号 . 版本号 . 校验位
      root OID       21 chars       18 chars          1-32     3 digits  1 char

* 证照类型代码: the 18-character USCC of the body that defines the licence type + a 3-digit
  sequence; 证照颁发机构代码: the issuing authority's 18-character USCC. Both USCCs must pass
  GB 32100 (:mod:`.uscc`): every identifier found in public material satisfies this.
* 流水号: serial, digits and upper-case letters, 1-32 characters; 版本号: 3 digits.
* 校验位: ISO/IEC 7064 **MOD 37,36** (hybrid system) over type + issuer + serial + version
  without the dots, alphabet ``0-9A-Z`` valued 0-35::

      P = 36
      for each character (value v):  S = (P + v) mod 36, or 36 if that is 0;  P = 2·S mod 37
      check value = (37 − P) mod 36        (so that one more step with it gives S ≡ 1)

  Like every ISO/IEC 7064 hybrid system it detects every single substitution; it misses a
  small share of adjacent transpositions (a hybrid system is not a pure one). A substitution
  in the root, the dots or the check character itself is caught by the shape rules.

Deployed systems also emit a vendor variant (letters valued 11-36) and hand-made identifiers
(STANDARDS.md §3.2): :func:`validate` is strict; a relying party consuming other provinces'
licences should treat a check mismatch as a warning and rely on status and signature.
"""

from __future__ import annotations

import re
import string
from typing import Final

from . import uscc
from ._base import InvalidIdentifier, require_str
from ._base import normalise as _normalise

__all__ = ["ROOT", "build", "check_character", "is_valid", "normalise", "split", "validate"]

LABEL: Final = "证照标识"
ROOT: Final = "1.2.156.3005.2"
ALPHABET: Final = string.digits + string.ascii_uppercase
_VALUES: Final[dict[str, int]] = {c: i for i, c in enumerate(ALPHABET)}
_DOTS: Final = dict.fromkeys(map(ord, "。｡"), ".")
_SHAPE: Final = re.compile(
    r"1\.2\.156\.3005\.2\.([0-9A-Z]{18}[0-9]{3})\.([0-9A-Z]{18})\.([0-9A-Z]{1,32})\.([0-9]{3})\.([0-9A-Z])"
)
_PARTS: Final = ("证照类型代码", "证照颁发机构代码", "流水号", "版本号", "校验位")


def normalise(s: str) -> str:
    """NFKC, no whitespace, upper case; ideographic full stops (。) become dots."""
    return _normalise(s).translate(_DOTS)


def check_character(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character of ``payload`` (``0-9A-Z``, dots ignored)."""
    p = 36
    for c in payload.replace(".", ""):
        v = _VALUES.get(c)
        if v is None:
            raise InvalidIdentifier(
                "licence_id.char",
                f"{LABEL}含有不允许的字符“{c}”：只能使用数字和大写英文字母",
                char=c,
            )
        s = (p + v) % 36 or 36
        p = (2 * s) % 37
    return ALPHABET[(37 - p) % 36]


def build(*, type_code: str, issuer_uscc: str, serial: str, version: int = 1) -> str:
    """The full identifier with its check character (inputs assumed valid and upper case)."""
    body = f"{type_code}.{issuer_uscc}.{serial}.{version:03d}"
    return f"{ROOT}.{body}.{check_character(body)}"


def split(s: str) -> dict[str, str]:
    """The five fields of a *valid* identifier (``type_code``, ``issuer``, ``serial``, ...)."""
    m = _SHAPE.fullmatch(validate(s))
    assert m is not None
    return dict(zip(("type_code", "issuer", "serial", "version", "check"), m.groups(), strict=True))


def is_valid(s: object) -> bool:
    """``True`` if ``s`` is a valid identifier after normalisation. Never raises."""
    if not isinstance(s, str):
        return False
    try:
        validate(s)
    except InvalidIdentifier:
        return False
    return True


def validate(s: object) -> str:
    """Return the normalised identifier, or raise :class:`InvalidIdentifier` naming the problem."""
    s = normalise(require_str(s, "licence_id", LABEL))
    if not s:
        raise InvalidIdentifier("licence_id.empty", f"请填写{LABEL}")
    if not s.startswith(ROOT + "."):
        raise InvalidIdentifier("licence_id.root", f"{LABEL}应以根代码 {ROOT} 开头", expected=ROOT)
    parts = s[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        raise InvalidIdentifier(
            "licence_id.parts",
            f"{LABEL}在根代码之后应有 5 段（证照类型代码.颁发机构代码.流水号.版本号.校验位），"
            f"实际为 {len(parts)} 段",
            parts=len(parts),
        )
    type_code, issuer, serial, version, check = parts
    for name, value in zip(_PARTS, parts, strict=True):
        for c in value:
            if c not in _VALUES:
                raise InvalidIdentifier(
                    "licence_id.char",
                    f"{LABEL}的{name}含有不允许的字符“{c}”：只能使用数字和大写英文字母",
                    part=name,
                    char=c,
                )
    if len(type_code) != 21 or not type_code[18:].isdigit():
        raise InvalidIdentifier(
            "licence_id.type_code",
            f"{LABEL}的证照类型代码应为 21 位（18 位统一社会信用代码 + 3 位数字），"
            f"实际为“{type_code}”",
        )
    for name, code in (("证照类型代码", type_code[:18]), ("证照颁发机构代码", issuer)):
        if not uscc.is_valid(code):
            raise InvalidIdentifier(
                "licence_id.uscc",
                f"{LABEL}的{name}中的统一社会信用代码“{code}”无效",
                part=name,
            )
    if not 1 <= len(serial) <= 32:
        raise InvalidIdentifier(
            "licence_id.serial", f"{LABEL}的流水号应为 1-32 位数字或字母，实际为 {len(serial)} 位"
        )
    if len(version) != 3 or not version.isdigit():
        raise InvalidIdentifier(
            "licence_id.version", f"{LABEL}的版本号应为 3 位数字，实际为“{version}”"
        )
    if len(check) != 1:
        raise InvalidIdentifier(
            "licence_id.check_length", f"{LABEL}的校验位应为 1 位，实际为“{check}”"
        )
    expected = check_character(f"{type_code}{issuer}{serial}{version}")
    if check != expected:
        raise InvalidIdentifier(
            "licence_id.check_digit",
            f"{LABEL}校验位（最后一位）应为 {expected}，实际为 {check}，请核对标识是否填写有误",
            expected=expected,
            actual=check,
        )
    return s
