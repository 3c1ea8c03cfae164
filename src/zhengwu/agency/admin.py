from __future__ import annotations

from django.contrib import admin

from .models import AgencyUnit


@admin.register(AgencyUnit)
class AgencyUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "head", "authority", "validity_label", "status")
    list_filter = ("kind", "status", "authority")
    search_fields = ("name", "uscc")
    readonly_fields = ("row_hash", "created_at", "updated_at")

    @admin.display(description="证书有效期")
    def validity_label(self, obj: AgencyUnit) -> str:
        return obj.validity_label
