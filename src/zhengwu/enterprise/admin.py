"""Read-only admin list of enterprise codes; revoking and reissuing happen in the back office
(``/code/manage/``) so that they go through the workflow, with a reason and an audit event."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import EnterpriseCode


@admin.register(EnterpriseCode)
class EnterpriseCodeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "version", "claimed_at")
    list_filter = ("status",)
    search_fields = (
        "organisation__name",
        "organisation__uscc",
        "agency_unit__name",
        "agency_unit__uscc",
    )
    list_select_related = ("organisation", "agency_unit")
    readonly_fields = (
        "organisation",
        "agency_unit",
        "status",
        "version",
        "claimed_by",
        "claimed_at",
    )
    exclude = ("public_id", "status_changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
