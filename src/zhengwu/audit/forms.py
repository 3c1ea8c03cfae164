"""The filters of the audit log back office (ACC-8)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .selectors import AuditFilter


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    organisation = forms.CharField(
        label=_("单位（ID或统一社会信用代码）"), required=False, max_length=18
    )
    event_type = forms.CharField(
        label=_("事件类型"),
        required=False,
        max_length=65,
        help_text=_("精确匹配；以 * 结尾按前缀匹配，如 orgcentre.*"),
    )
    outcome = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *AuditEvent.Outcome.choices]
    )
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data

    def filters(self) -> AuditFilter:
        """The typed filters (call after ``is_valid``)."""
        data = self.cleaned_data
        return AuditFilter(
            actor=data.get("actor") or "",
            organisation=data.get("organisation") or "",
            event_type=data.get("event_type") or "",
            outcome=data.get("outcome") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
