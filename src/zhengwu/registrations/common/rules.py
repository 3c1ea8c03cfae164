"""The username and password rules of REG-4, as pure functions.

Each raises ``ValidationFailed`` with the field and a Chinese message saying which rule the
value breaks (seed 001: the hints beside the fields of 创建用户).
"""

from __future__ import annotations

import datetime
import re
import string

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from zhengwu import identifiers
from zhengwu.core.errors import ValidationFailed

USERNAME_HINT = "用户名由英文字母、数字、下划线任意组成（长度是6-18位），也可以是邮箱、手机号"
PASSWORD_HINT = (
    "密码8-20位，含数字、大写字母、小写字母、特殊字符中的三种及以上（不能含用户名），"
    "且不能含手机号、出生日期"
)
#: A natural person has no username of their own (they sign in with the mobile): the hint of
#: 个人注册 names what their password is checked against.
NATURAL_PASSWORD_HINT = (
    "密码8-20位，含数字、大写字母、小写字母、特殊字符中的三种及以上，且不能含手机号、出生日期"
)
_USERNAME = re.compile(r"[A-Za-z0-9_]{6,18}")
_SPECIALS = frozenset(string.punctuation)


def username_validate(username: str) -> str:
    """The username as entered (stripped), or ``ValidationFailed`` (field ``username``)."""
    value = (username or "").strip()
    if not value:
        raise ValidationFailed("请填写用户名", code="username.empty", field="username")
    if _USERNAME.fullmatch(value) or identifiers.mobile.is_valid(value):
        return value
    if "@" in value and len(value) <= 100:
        try:
            validate_email(value)
        except ValidationError:
            pass
        else:
            return value
    raise ValidationFailed(USERNAME_HINT, code="username.invalid", field="username")


def password_validate(
    password: str,
    *,
    username: str,
    mobile: str = "",
    birth_date: datetime.date | None = None,
) -> str:
    """``password`` if it follows REG-4, else ``ValidationFailed`` (field ``password``).

    Beyond the seed's rules, a password containing the operator's mobile or birth date
    (YYYYMMDD or YYMMDD) is refused: the seed only advises against it.
    """
    pw = password or ""

    def fail(code: str, message: str) -> ValidationFailed:
        return ValidationFailed(message, code=f"password.{code}", field="password")

    if not pw:
        raise fail("empty", "请填写密码")
    if not 8 <= len(pw) <= 20:
        raise fail("length", f"密码长度应为8-20位，当前为{len(pw)}位")
    if any(not (c.isascii() and c.isprintable()) or c == " " for c in pw):
        raise fail("characters", "密码只能由数字、英文字母和英文特殊字符组成，不能含空格")
    classes = sum(
        (
            any(c.isdigit() for c in pw),
            any(c.isupper() for c in pw),
            any(c.islower() for c in pw),
            any(c in _SPECIALS for c in pw),
        )
    )
    if classes < 3:
        raise fail("classes", "密码须含数字、大写字母、小写字母、特殊字符中的三种及以上")
    if username and username.strip().lower() in pw.lower():
        raise fail("contains_username", "密码不能包含用户名")
    if mobile and mobile in pw:
        raise fail("contains_mobile", "密码不能包含手机号")
    if birth_date and (birth_date.strftime("%Y%m%d") in pw or birth_date.strftime("%y%m%d") in pw):
        raise fail("contains_birth_date", "密码不能包含出生日期")
    return pw


def password_confirm_validate(password: str, confirmation: str) -> None:
    """REG-4 确认密码."""
    if not confirmation:
        raise ValidationFailed(
            "请再次输入密码", code="password.confirm_empty", field="password_confirm"
        )
    if password != confirmation:
        raise ValidationFailed(
            "两次输入的密码不一致", code="password.mismatch", field="password_confirm"
        )
