"""Read-only back-office list of uploads (reviewers: ``uploads.view_privateupload``).

The file itself opens through the audited view (``/uploads/<uuid>/``), never from the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .errors import human_size
from .models import PrivateUpload


@admin.register(PrivateUpload)
class PrivateUploadAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "shown_size", "uploaded_by", "dimensions", "subject")
    list_filter = ("kind",)
    list_select_related = ("uploaded_by",)
    search_fields = ("=id", "=sha256", "=subject_id")
    date_hierarchy = "created_at"
    fields = (
        "id",
        "kind",
        "uploaded_by",
        "original_name",
        "shown_size",
        "dimensions",
        "sha256",
        "subject_type",
        "subject_id",
        "created_at",
        "file_link",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("文件大小"), ordering="size")
    def shown_size(self, obj: PrivateUpload) -> str:
        return human_size(obj.size)

    @admin.display(description=_("尺寸（像素）"))
    def dimensions(self, obj: PrivateUpload) -> str:
        return f"{obj.width}×{obj.height}"

    @admin.display(description=_("业务对象"))
    def subject(self, obj: PrivateUpload) -> str:
        return f"{obj.subject_type}#{obj.subject_id}" if obj.subject_type else ""

    @admin.display(description=_("查看文件"))
    def file_link(self, obj: PrivateUpload) -> str:
        url = reverse("uploads:file", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("查看"))
