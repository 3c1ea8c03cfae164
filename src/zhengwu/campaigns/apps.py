from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zhengwu.campaigns"
    verbose_name = "专项行动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        from .constants import CAMPAIGN_GROUP, VIEW_PERMISSION

        # 专项行动统计员 holding the dashboard permission.
        connect_staff_group(self, CAMPAIGN_GROUP, [VIEW_PERMISSION.split(".", 1)[1]])
