"""Forms of the agency platform: they collect values; the services check them."""

from __future__ import annotations

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LoginImage


def _captcha() -> CaptchaField:
    return CaptchaField(
        label=_("验证码"),
        error_messages={"invalid": _("验证码错误"), "required": _("请填写验证码")},
    )


class ImageSigninForm(forms.Form):
    """图片登录: the saved login image and the image captcha (AG-4)."""

    image = forms.FileField(
        label=_("登录二维码图片"),
        error_messages={"required": _("请选择保存的登录二维码图片")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    captcha = _captcha()


class IssueImageForm(forms.Form):
    """The stamped paper application (登录二维码图片申领表) as staff record it."""

    reason = forms.ChoiceField(label=_("申领原因"), choices=LoginImage.Reason.choices)
    recipient_name = forms.CharField(label=_("领取人"), max_length=50)
    recipient_mobile = forms.CharField(label=_("手机号"), max_length=20)
    applied_on = forms.DateField(
        label=_("申领日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    form_scan = forms.FileField(
        label=_("盖章的申领表扫描件（JPEG）"),
        error_messages={"required": _("请上传盖章的申领表扫描件")},
    )
    delivery = forms.ChoiceField(label=_("发放方式"), choices=LoginImage.Delivery.choices)


class CommitmentForm(forms.Form):
    body = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 10}))
