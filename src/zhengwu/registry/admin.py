"""Back-office view of the register mirror: read-only, personal data masked (ACC-7)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import MarketEntity


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    """The register is written only by ``registry_import``: staff can search and read.

    The legal representative's ID number and the registered phone are shown masked; the list
    never decrypts more than the page shows.
    """

    list_display = (
        "uscc",
        "name",
        "entity_type",
        "status",
        "region_code",
        "supervision_unit",
        "legal_rep_name",
        "masked_id_number",
        "masked_phone",
        "is_phone_landline",
        "is_id_number_legacy",
        "registered_on",
    )
    list_filter = ("status", "legal_person_type", "entity_type", "is_phone_landline",
                   "is_id_number_legacy")  # fmt: skip
    search_fields = ("=uscc", "name")
    ordering = ("uscc",)
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    fields = (
        "uscc",
        "name",
        "entity_type",
        "legal_person_type",
        "status",
        "region_code",
        "supervision_unit",
        "legal_rep_name",
        "legal_rep_id_type",
        "masked_id_number",
        "masked_phone",
        "is_phone_landline",
        "is_id_number_legacy",
        "registered_on",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="法定代表人证件号码")
    def masked_id_number(self, obj: MarketEntity) -> str:
        return obj.masked_id_number

    @admin.display(description="联系电话")
    def masked_phone(self, obj: MarketEntity) -> str:
        return obj.masked_phone

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
