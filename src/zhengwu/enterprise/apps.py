from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _code_admin_group(sender: AppConfig, **kwargs: Any) -> None:
    """Create the group 企业码管理员 holding the back-office permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from .constants import CAMPAIGN_PERMISSION, CODE_ADMIN_GROUP, MANAGE_PERMISSION

    using = kwargs.get("using", "default")
    codenames = [p.split(".", 1)[1] for p in (MANAGE_PERMISSION, CAMPAIGN_PERMISSION)]
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="enterprise", codename__in=codenames
        )
    )
    if not permissions:
        return
    group, _ = Group.objects.using(using).get_or_create(name=CODE_ADMIN_GROUP)
    group.permissions.add(*permissions)


class EnterpriseConfig(AppConfig):
    name = "zhengwu.enterprise"
    verbose_name = "企业码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_code_admin_group, sender=self)
