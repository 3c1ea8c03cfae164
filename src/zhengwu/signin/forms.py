"""Forms of sign-in and recovery: they collect strings; the services check them."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.registrations.common import rules
from zhengwu.registrations.wizard.forms import new_password_field

from .constants import Tab

LOGIN_LABELS = {
    Tab.LEGAL_PERSON: _("用户名/统一社会信用代码"),
    Tab.NATURAL_PERSON: _("用户名/身份证号/手机号"),
}


def _captcha() -> CaptchaField:
    return CaptchaField(
        label=_("验证码"),
        error_messages={"invalid": _("验证码错误"), "required": _("请填写验证码")},
    )


def _text(label: Any, required_message: Any, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=150,
        error_messages={"required": required_message},
        widget=forms.TextInput(attrs={"spellcheck": "false", **attrs}),
    )


class LoginForm(forms.Form):
    """ACC-1: principal, password, image captcha; the tab decides what the principal may be."""

    login = _text(_("用户名"), _("请填写账号"), autocomplete="username", autocapitalize="none")
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请填写密码")},
    )
    captcha = _captcha()

    def __init__(self, *args: Any, tab: str = Tab.LEGAL_PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = LOGIN_LABELS[Tab(tab)]
        # Decision 0011: a USCC signs in only the organisation's one account.
        self.login_hint = _("单位有多个账号时，请使用用户名登录") if tab == Tab.LEGAL_PERSON else ""


class PrincipalForm(forms.Form):
    """找回密码 / 自助解锁, step 1 (确认账号)."""

    login = _text(_("用户名"), _("请填写用户名"), autocomplete="username", autocapitalize="none")
    captcha = _captcha()

    def __init__(self, *args: Any, tab: str = Tab.LEGAL_PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = LOGIN_LABELS[Tab(tab)]


class UsernameRecoveryForm(forms.Form):
    """找回用户名, step 1: 手机号和单位编号 or 身份证号和单位编号 (seed 001 一.5)."""

    METHODS = [("mobile", _("手机号和单位编号")), ("id_number", _("身份证号和单位编号"))]

    method = forms.ChoiceField(label=_("找回方式"), choices=METHODS, initial="mobile")
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    unit_code = _text(_("单位编号"), _("请填写单位编号"), autocapitalize="characters")
    captcha = _captcha()

    UNIT_CODE_HINT = _("注册时填写的统一社会信用代码、注册号、组织机构代码等")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == "mobile" and not data.get("mobile", "").strip():
            self.add_error("mobile", _("请填写手机号"))
        if method == "id_number" and not data.get("id_number", "").strip():
            self.add_error("id_number", _("请填写身份证号"))
        return data


class CodeForm(forms.Form):
    """验证方式: the SMS code."""

    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=10,
        error_messages={"required": _("请填写短信验证码")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResetForm(forms.Form):
    """重置密码 (REG-4 rules, checked by the service)."""

    account = forms.ChoiceField(label=_("账号"), choices=())
    password = new_password_field(_("新密码"), _("请填写新密码"))
    password_confirm = new_password_field(_("确认新密码"), _("请再次输入新密码"))

    PASSWORD_HINT = rules.PASSWORD_HINT

    def __init__(self, *args: Any, accounts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(pk), name) for pk, name in accounts]
        if len(accounts) == 1:
            self.fields["account"].initial = str(accounts[0][0])
            self.fields["account"].widget = forms.HiddenInput()
