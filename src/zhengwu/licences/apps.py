from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

#: Staff group holding ``licences.manage_licences`` (upload and revoke in /licences/manage/).
MANAGER_GROUP = "电子证照管理员"


def _manager_group(sender: AppConfig, **kwargs: Any) -> None:
    """Create the group 电子证照管理员 holding ``licences.manage_licences`` (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label="licences", codename="manage_licences")
        .first()
    )
    if permission is None:
        return
    group, _ = Group.objects.using(using).get_or_create(name=MANAGER_GROUP)
    group.permissions.add(permission)


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    verbose_name = "电子证照"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)

        post_migrate.connect(_manager_group, sender=self)
