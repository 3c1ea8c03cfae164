from __future__ import annotations

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "zhengwu.archive"
    verbose_name = "企业档案（容e查）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        from .constants import ARCHIVE_GROUP, IMPORT_PERMISSION, VIEW_PERMISSION

        # 档案管理员: search every archive, import scans.
        codenames = [p.split(".", 1)[1] for p in (VIEW_PERMISSION, IMPORT_PERMISSION)]
        connect_staff_group(self, ARCHIVE_GROUP, codenames)
