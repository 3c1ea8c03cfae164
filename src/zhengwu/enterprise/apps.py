from __future__ import annotations

from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "zhengwu.enterprise"
    verbose_name = "企业码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        from .constants import CAMPAIGN_PERMISSION, CODE_ADMIN_GROUP, MANAGE_PERMISSION

        # 企业码管理员 holding the back-office permissions.
        codenames = [p.split(".", 1)[1] for p in (MANAGE_PERMISSION, CAMPAIGN_PERMISSION)]
        connect_staff_group(self, CODE_ADMIN_GROUP, codenames)
