"""The reviewer's decision form (journey 6)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.registrations.agent.constants import AgentRejectionReason
from zhengwu.registrations.manual.constants import MANUAL_UPLOAD_KINDS, RejectionReason
from zhengwu.registrations.natural.constants import NaturalReturnReason
from zhengwu.uploads.models import UploadKind


class _ReasonDecisionForm(forms.Form):
    """通过, or 不通过 with a reason template of ``reasons`` plus free text."""

    reasons: type[models.TextChoices]

    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[
            ("approve", pgettext_lazy("review decision", "通过")),
            ("reject", pgettext_lazy("review decision", "不通过")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果")},
    )
    reason_code = forms.ChoiceField(label=_("不通过原因"), choices=(), required=False)
    reason_text = forms.CharField(
        label=_("补充说明"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason_code"]
        field.choices = [("", _("请选择")), *self.reasons.choices]  # type: ignore[attr-defined]


class DecisionForm(_ReasonDecisionForm):
    """通过, or 不通过 with a reason template plus free text and the material to re-upload."""

    reasons = RejectionReason

    reupload_kinds = forms.MultipleChoiceField(
        label=_("需重新上传的材料（不选则按原因确定）"),
        choices=[(k, UploadKind(k).label) for k in MANUAL_UPLOAD_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class NaturalDecisionForm(_ReasonDecisionForm):
    """通过, or 退回 with a reason template plus free text (个人实名人工审核, REG-11)."""

    reasons = NaturalReturnReason


class AgentDecisionForm(_ReasonDecisionForm):
    """通过, or 不通过 with a reason template plus free text (代理注册, REG-10)."""

    reasons = AgentRejectionReason
