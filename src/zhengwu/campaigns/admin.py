"""Back office: campaigns are configured here (measure, population, start, milestones,
reporting weekday and hour). Snapshots are read-only: they are frozen once reported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from zhengwu.core.parsing import is_ascii_digits

from .constants import Category
from .errors import MilestonesOutOfOrder
from .models import AssistedRegistration, Campaign, Milestone, Snapshot
from .services import validate_milestones

_POPULATION_CHOICES = [(c.value, c.label) for c in Category if c != Category.OTHER]


class CampaignForm(forms.ModelForm):
    population = forms.MultipleChoiceField(
        label="统计范围（市场主体类别）",
        choices=_POPULATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "measure",
            "population",
            "region_prefix",
            "start",
            "report_weekday",
            "report_hour",
            "is_active",
        ]

    def clean_region_prefix(self) -> str:
        value: str = self.cleaned_data.get("region_prefix", "")
        if value and not (is_ascii_digits(value) and len(value) in (2, 4, 6)):
            raise ValidationError("行政区划代码前缀须为2、4或6位数字。")
        return value

    def clean_report_hour(self) -> int:
        value: int = self.cleaned_data["report_hour"]
        if value > 23:
            raise ValidationError("周报截止时点须在 0 至 23 时之间。")
        return value


class MilestoneFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        start = self.instance.start
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("due"):
                continue
            rows.append((data["due"], data.get("target_percent") or 0))
        if start is None:
            return
        try:
            validate_milestones(start, rows)
        except MilestonesOutOfOrder as error:
            raise ValidationError(error.message, code=error.code) from error


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 2
    ordering = ["due"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    inlines = [MilestoneInline]
    list_display = ["name", "measure", "region_prefix", "start", "report_weekday", "is_active"]
    list_filter = ["measure", "is_active"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["campaign", "week_ending", "as_of", "taken_at", "caught_up"]
    list_filter = ["campaign"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssistedRegistration)
class AssistedRegistrationAdmin(admin.ModelAdmin):
    list_display = ["uscc", "helped_by", "started_at", "organisation", "completed_at"]
    search_fields = ["uscc"]
    readonly_fields = ["uscc", "helped_by", "started_at", "organisation", "completed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
