"""Forms of the manual channel (REG-9): they collect strings and files; the services validate
(one set of messages). The JPEG check of ``JpegUploadField`` shows refusals beside the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.uploads.forms import JpegUploadField
from zhengwu.uploads.models import UploadKind

from ..common import rules
from ..wizard.forms import _text, agreement_field, captcha_field, new_password_field, sms_code_field
from .constants import ManualApplicantKind

UPLOAD_HINT = _("照片支持.jpg、.jpeg格式，大小不超过5MB，所有信息清晰可见")


class ManualInfoForm(forms.Form):
    """单位信息 and 经办人信息 of the manual channel (seed 001 一.3-4), and the uploads."""

    applicant_kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=ManualApplicantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择申请类型")},
    )
    location = forms.ChoiceField(
        label=_("单位登记所在地"),
        choices=Location.choices,
        initial=Location.OUT_OF_PROVINCE,
        error_messages={"required": _("请选择单位登记所在地")},
    )
    legal_person_type = forms.ChoiceField(
        label=_("法人类型"),
        choices=LegalPersonType.choices,
        error_messages={"required": _("请选择法人类型")},
    )
    organisation_name = _text(_("单位名称"), autocomplete="organization")
    organisation_name_en = _text(_("单位英文名称（非大陆地区单位必填）"), required=False)
    has_code_certificate = forms.ChoiceField(
        label=_("能否提供带有统一社会信用代码的证照？"),
        choices=[("yes", _("能提供")), ("no", _("不能提供"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择能否提供带有统一社会信用代码的证照")},
    )
    unit_code = _text(
        _("统一社会信用代码或组织机构代码"),
        required=False,
        autocapitalize="characters",
        spellcheck="false",
    )
    project_code = _text(
        _("工程编码（临时项目工程必填，18位）"),
        required=False,
        autocapitalize="characters",
        spellcheck="false",
    )
    operator_name = _text(_("经办人姓名"))
    operator_id_type = forms.ChoiceField(label=_("经办人证件类型"), choices=IdType.choices)
    operator_id_number = _text(_("经办人证件号码"), autocapitalize="characters", spellcheck="false")
    operator_ethnicity = _text(_("经办人民族（临时项目工程必填）"), required=False)
    email = _text(_("经办人电子邮箱"), inputmode="email", autocomplete="email")
    licence_page = JpegUploadField(
        kind=UploadKind.LICENCE_PAGE, label=_("单位证照信息页"), required=False
    )
    id_document = JpegUploadField(
        kind=UploadKind.ID_DOCUMENT, label=_("经办人证件信息页"), required=False
    )
    stamped_proof = JpegUploadField(
        kind=UploadKind.STAMPED_PROOF, label=_("加盖公章的证明材料"), required=False
    )

    UPLOAD_HINT = UPLOAD_HINT
    UPLOAD_FIELDS = ("licence_page", "id_document", "stamped_proof")


class ManualForm(ManualInfoForm):
    """The first submission: the unit and operator data, then 创建用户 (REG-4) with the image
    captcha and the SMS code."""

    mobile = _text(_("经办人手机号"), inputmode="numeric", autocomplete="tel")
    username = _text(_("用户名"), autocomplete="username")
    password = new_password_field(_("密码"), _("请填写密码"))
    password_confirm = new_password_field(_("确认密码"), _("请再次输入密码"))
    captcha = captcha_field()
    sms_code = sms_code_field()
    agreement = agreement_field()

    USERNAME_HINT = rules.USERNAME_HINT
    PASSWORD_HINT = rules.PASSWORD_HINT
