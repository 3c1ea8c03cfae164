from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

#: Support staff who unlock accounts (ACC-2: "support can unlock").
SUPPORT_GROUP = "客服人员"


def _support_group(sender: AppConfig, **kwargs: Any) -> None:
    """Create the group 客服人员 holding ``signin.unlock_account`` (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label="signin", codename="unlock_account")
        .first()
    )
    if permission is None:
        return
    group, _ = Group.objects.using(using).get_or_create(name=SUPPORT_GROUP)
    group.permissions.add(permission)


class SigninConfig(AppConfig):
    name = "zhengwu.signin"
    verbose_name = "登录与账号安全"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_support_group, sender=self)
