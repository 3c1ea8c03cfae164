"""Back office for the catalogue (SVC-1): staff edit departments, themes, items, materials.

Cases are read-only here: every change of a case goes through the desk and its services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from zhengwu.core.errors import ValidationFailed

from .formschema import check_schema
from .models import Application, Department, Evaluation, Material, ServiceItem, Theme


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region_code", "issuer", "order")
    search_fields = ("name", "code")
    filter_horizontal = ("staff",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


class ServiceItemForm(ModelForm):
    class Meta:
        model = ServiceItem
        fields = (
            "code",
            "name",
            "department",
            "section",
            "kind",
            "themes",
            "applicant_kind",
            "is_fully_online",
            "is_high_frequency",
            "statutory_days",
            "promised_days",
            "conditions",
            "process",
            "fee",
            "legal_basis",
            "contacts",
            "address",
            "needs_separate_decider",
            "handler",
            "form_schema",
            "is_published",
        )

    def clean_form_schema(self) -> Any:
        try:
            return check_schema(self.cleaned_data.get("form_schema") or [])
        except ValidationFailed as exc:
            raise ValidationError(exc.message) from exc


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    list_display = (
        "code",
        "name",
        "department",
        "kind",
        "is_fully_online",
        "is_high_frequency",
        "promised_days",
        "is_published",
    )
    list_filter = ("department", "kind", "is_fully_online", "is_high_frequency", "themes")
    search_fields = ("code", "name", "search_text")
    filter_horizontal = ("themes",)
    inlines = [MaterialInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("number", "item", "applicant_name", "status", "due_on")
    list_filter = ("status", "department")
    search_fields = ("number", "applicant_name", "applicant_uscc")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("application", "rating", "created_at")
    list_filter = ("rating",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
