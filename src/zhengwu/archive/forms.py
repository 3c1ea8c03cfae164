from __future__ import annotations

from django import forms

from .constants import ArchiveType
from .selectors import Query


class SearchForm(forms.Form):
    q = forms.CharField(label="全文检索", max_length=100, required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    name = forms.CharField(label="市场主体名称", max_length=100, required=False)
    archive_type = forms.ChoiceField(
        label="档案类型", choices=[("", "全部"), *ArchiveType.choices], required=False
    )
    date_from = forms.DateField(label="起始日期", required=False)
    date_to = forms.DateField(label="截止日期", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def query(self) -> Query:
        d = self.cleaned_data
        return Query(
            text=d.get("q") or "",
            uscc=(d.get("uscc") or "").strip(),
            name=(d.get("name") or "").strip(),
            archive_type=d.get("archive_type") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )
