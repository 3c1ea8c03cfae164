from __future__ import annotations

from django.apps import AppConfig

#: Staff group of the registration authority (登记管理机关, 赋码机关): the register, login
#: images and the applications in /agency/office/.
OFFICE_GROUP = "机关赋码经办人员"


class AgencyConfig(AppConfig):
    name = "zhengwu.agency"
    verbose_name = "机关赋码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group

        connect_staff_group(self, OFFICE_GROUP, ["handle_agency"])
