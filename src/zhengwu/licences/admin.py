"""Read-mostly admin of issuers and licences; issuing and revoking go through /licences/manage/."""

from __future__ import annotations

from django.contrib import admin

from .models import Issuer, Licence


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "is_active", "created_at")
    search_fields = ("name", "uscc")
    readonly_fields = ("key_hash", "created_at")


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ("identifier", "licence_type", "holder_name", "status", "valid_until")
    list_filter = ("licence_type", "status", "source")
    search_fields = ("identifier", "holder_uscc", "holder_name", "number")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
