from __future__ import annotations

from django.apps import AppConfig

#: Support staff who unlock accounts (ACC-2: "support can unlock").
SUPPORT_GROUP = "客服人员"


class SigninConfig(AppConfig):
    name = "zhengwu.signin"
    verbose_name = "登录与账号安全"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        # 客服人员 holding ``signin.unlock_account``.
        connect_staff_group(self, SUPPORT_GROUP, ["unlock_account"])
