"""Forms of the wizard: they collect strings; the services validate (one set of messages for
the pages and the API). Empty required fields are caught here, all at once."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.constants import IdType, LegalPersonType, Location

from ..common import rules


def _text(
    label: Any, *, required: bool = True, max_length: int = 200, **attrs: str
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": _("请填写%(label)s") % {"label": label}},
        widget=forms.TextInput(attrs=attrs),
    )


def new_password_field(label: Any, required_message: Any) -> forms.CharField:
    """A new password (REG-4 rules are checked by the form's ``clean``, not here)."""
    return forms.CharField(
        label=label,
        max_length=64,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": required_message},
    )


def captcha_field() -> CaptchaField:
    """The image captcha of every registration form (accepts PASSED in sandbox mode)."""
    return CaptchaField(label=_("验证码"), error_messages={"invalid": _("验证码错误")})


def sms_code_field() -> forms.CharField:
    return _text(_("短信验证码"), inputmode="numeric", autocomplete="one-time-code")


def agreement_field() -> forms.BooleanField:
    """我已阅读并同意《政务服务网用户注册协议》, required on every registration form."""
    return forms.BooleanField(
        label=_("我已阅读并同意《政务服务网用户注册协议》"),
        required=True,
        error_messages={"required": _("请阅读并同意《用户注册协议》")},
    )


class InfoForm(forms.Form):
    """Step 1 信息认证 (REG-1)."""

    location = forms.ChoiceField(
        label=_("单位登记所在地"),
        choices=Location.choices,
        initial=Location.IN_PROVINCE,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择单位登记所在地")},
    )
    legal_person_type = forms.ChoiceField(
        label=_("法人类型"),
        choices=LegalPersonType.choices,
        error_messages={"required": _("请选择法人类型")},
    )
    organisation_name = _text(_("单位名称"), autocomplete="organization")
    uscc = _text(_("统一社会信用代码"), autocapitalize="characters", spellcheck="false")
    legal_rep_name = _text(_("法定代表人"))
    legal_rep_id_type = forms.ChoiceField(label=_("法定代表人证件类型"), choices=IdType.choices)
    legal_rep_id_number = _text(
        _("法定代表人证件号码"), autocapitalize="characters", spellcheck="false"
    )
    agreement = agreement_field()


class UserForm(forms.Form):
    """Step 2 创建用户 (REG-4)."""

    username = _text(_("用户名"), autocomplete="username")
    password = new_password_field(_("密码"), _("请填写密码"))
    password_confirm = new_password_field(_("确认密码"), _("请再次输入密码"))
    operator_name = _text(_("经办人姓名"))
    operator_id_type = forms.ChoiceField(label=_("经办人证件类型"), choices=IdType.choices)
    operator_id_number = _text(_("经办人证件号码"), autocapitalize="characters", spellcheck="false")
    landline = _text(_("固定电话"), required=False, inputmode="tel")
    mobile = _text(_("手机号"), inputmode="numeric", autocomplete="tel")
    captcha = captcha_field()
    sms_code = sms_code_field()

    USERNAME_HINT = rules.USERNAME_HINT
    PASSWORD_HINT = rules.PASSWORD_HINT


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("拒绝原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写拒绝原因")},
    )
