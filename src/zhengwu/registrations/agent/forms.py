"""Forms of the agent path (REG-10): they collect strings; ``agent_services`` validates (one
set of messages for the pages and the API). The account fields are the wizard's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.constants import IdType, LegalPersonType
from zhengwu.uploads.forms import JpegUploadField
from zhengwu.uploads.models import UploadKind

from ..common import rules
from ..wizard.forms import _text, agreement_field, captcha_field, new_password_field, sms_code_field
from .constants import AGENT_UPLOAD_KINDS, AGENT_UPLOAD_LABELS


class AgentUnitForm(forms.Form):
    """The unit and its legal representative (also the form of 返回修改)."""

    legal_person_type = forms.ChoiceField(
        label=_("法人类型"),
        choices=LegalPersonType.choices,
        error_messages={"required": _("请选择法人类型")},
    )
    organisation_name = _text(_("单位名称"), autocomplete="organization")
    uscc = _text(_("统一社会信用代码"), autocapitalize="characters", spellcheck="false")
    legal_rep_name = _text(_("法定代表人姓名"))
    legal_rep_id_type = forms.ChoiceField(
        label=_("法定代表人证件类型"),
        choices=IdType.choices,
        help_text=_("电子签名目前只支持居民身份证"),
    )
    legal_rep_id_number = _text(
        _("法定代表人证件号码"), autocapitalize="characters", spellcheck="false"
    )
    legal_rep_mobile = _text(_("法定代表人手机号"), inputmode="numeric")
    landline = _text(_("固定电话"), required=False, inputmode="tel")

    LEGAL_REP_MOBILE_HINT = _("法定代表人将收到签名短信，请确保为法定代表人本人的手机号")


class AgentForm(AgentUnitForm):
    """我是代理人: the unit, the legal representative, and the agent's own account."""

    username = _text(_("用户名"), autocomplete="username")
    password = new_password_field(_("密码"), _("请填写密码"))
    password_confirm = new_password_field(_("确认密码"), _("请再次输入密码"))
    agent_name = _text(_("代理人姓名"))
    agent_id_type = forms.ChoiceField(label=_("代理人证件类型"), choices=IdType.choices)
    agent_id_number = _text(_("代理人证件号码"), autocapitalize="characters", spellcheck="false")
    mobile = _text(_("代理人手机号"), inputmode="numeric", autocomplete="tel")
    captcha = captcha_field()
    sms_code = sms_code_field()
    # 上传证件 (seed 002): required; checked by content like the manual channel's uploads.
    id_document = JpegUploadField(
        kind=UploadKind.ID_DOCUMENT,
        allow_png=True,
        label=AGENT_UPLOAD_LABELS["id_document"],
        error_messages={"required": _("请上传代理人身份证件")},
    )
    licence_page = JpegUploadField(
        kind=UploadKind.LICENCE_PAGE,
        allow_png=True,
        label=AGENT_UPLOAD_LABELS["licence_page"],
        error_messages={"required": _("请上传单位营业执照或其他证照")},
    )
    agreement = agreement_field()

    USERNAME_HINT = rules.USERNAME_HINT
    PASSWORD_HINT = rules.PASSWORD_HINT
    UPLOAD_HINT = _("照片或扫描件支持.jpg、.jpeg、.png格式，大小不超过5MB，所有信息清晰可见")
    UPLOAD_FIELDS = AGENT_UPLOAD_KINDS

    def service_data(self) -> dict[str, object]:
        skip = ("captcha", "agreement", *AGENT_UPLOAD_KINDS)
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        data["agreement_accepted"] = self.cleaned_data["agreement"]
        data["files"] = {kind: self.cleaned_data.get(kind) for kind in AGENT_UPLOAD_KINDS}
        return data


class AgentResultForm(forms.Form):
    """法人注册结果: USCC (or 受理编号) and the agent's mobile."""

    key = _text(_("统一社会信用代码或受理编号"), autocapitalize="characters")
    mobile = _text(_("代理人手机号"), inputmode="numeric")
