"""Forms of the organisation centre: they collect strings; the services validate (one set of
messages for the pages and the API). Empty required fields are caught here, all at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.constants import IdType
from zhengwu.registrations.common import rules


def _text(label: Any, *, required: bool = True, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=200,
        error_messages={"required": _("请填写%(label)s") % {"label": label}},
        widget=forms.TextInput(attrs=attrs),
    )


def _password(label: Any, required_message: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=64,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required_message},
    )


def _sms_code(required: bool = True) -> forms.CharField:
    return _text(
        _("短信验证码"), required=required, inputmode="numeric", autocomplete="one-time-code"
    )


class PersonForm(forms.Form):
    """The person using an operator account (经办人): name, ID, mobile."""

    real_name = _text(_("姓名"))
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = _text(_("证件号码"), autocapitalize="characters", spellcheck="false")
    mobile = _text(_("手机号"), inputmode="numeric", autocomplete="off")


class OperatorAddForm(PersonForm):
    """添加经办人 (REG-8 administrator case)."""

    sms_code = _sms_code()
    username = _text(_("用户名"), autocomplete="off")

    USERNAME_HINT = rules.USERNAME_HINT


class OperatorChangeForm(PersonForm):
    """变更使用人信息 (ACC-4): the SMS code is needed only when the mobile changes."""

    sms_code = _sms_code(required=False)


class PasswordChangeForm(forms.Form):
    old_password = _password(_("原密码"), _("请填写原密码"), "current-password")
    password = _password(_("新密码"), _("请填写新密码"), "new-password")
    password_confirm = _password(_("确认新密码"), _("请再次输入新密码"), "new-password")

    PASSWORD_HINT = rules.PASSWORD_HINT


class MobileChangeForm(forms.Form):
    mobile = _text(_("新手机号"), inputmode="numeric", autocomplete="tel")
    sms_code = _sms_code()


class PasswordSetForm(forms.Form):
    password = _password(_("密码"), _("请填写密码"), "new-password")
    password_confirm = _password(_("确认密码"), _("请再次输入密码"), "new-password")

    PASSWORD_HINT = rules.PASSWORD_HINT
