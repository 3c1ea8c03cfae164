"""Forms of the enterprise code's back office."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REASON_MAX_LENGTH


class ReasonForm(forms.Form):
    """The reason given when revoking or reissuing a code (kept in the history and audit)."""

    reason = forms.CharField(
        label=_("原因"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("请填写原因"), "max_length": _("原因不能超过200个字")},
    )


class CodeSearchForm(forms.Form):
    q = forms.CharField(label=_("单位名称或统一社会信用代码"), max_length=200, required=False)
