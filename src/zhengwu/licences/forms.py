"""Forms of the licence pages: public verification, staff issuing and revoking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import LicenceType


class StaffIssueForm(forms.Form):
    """Staff upload (LIC-1 b): the fields an issuing department would send through the API."""

    issuer: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("颁发机构"),
        queryset=None,  # type: ignore[arg-type]  # set per request in __init__
    )
    licence_type = forms.ChoiceField(label=_("证照类型"), choices=LicenceType.choices)
    holder_uscc = forms.CharField(label=_("持证主体代码（统一社会信用代码）"), max_length=40)
    holder_name = forms.CharField(label=_("持证主体"), max_length=200)
    number = forms.CharField(
        label=_("证照编号"),
        max_length=64,
        required=False,
        help_text=_("营业执照可留空（即信用代码）"),
    )
    issued_on = forms.DateField(label=_("颁发日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_from = forms.DateField(
        label=_("有效期起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("有效期截止日期"),
        required=False,
        help_text=_("留空表示长期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    particulars = forms.CharField(
        label=_("照面信息"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项，格式“名称：内容”，如“住所：杭州市西湖区文三路1号”"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from .models import Issuer

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["issuer"].queryset = Issuer.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]

    def clean_particulars(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for line in (self.cleaned_data.get("particulars") or "").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.replace("：", ":").partition(":")
            if not sep or not key.strip():
                raise forms.ValidationError(_("照面信息每行应为“名称：内容”"))
            out[key.strip()] = value.strip()
        return out


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("注销原因"), max_length=200)
