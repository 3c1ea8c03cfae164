from __future__ import annotations

from django.apps import AppConfig

#: Staff group holding ``licences.manage_licences`` (upload and revoke in /licences/manage/).
MANAGER_GROUP = "电子证照管理员"


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    verbose_name = "电子证照"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        from . import checks  # noqa: F401  (registers the deploy check)

        connect_staff_group(self, MANAGER_GROUP, ["manage_licences"])
