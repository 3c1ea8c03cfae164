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

        # An agency unit's code page shows its register row (name, head, 正常/已撤销) and its
        # certificate: a change of the row (打印 of a case, the admin) drops the cached facts.
        from django.db.models.signals import post_save

        from zhengwu.agency.models import AgencyUnit

        post_save.connect(
            _agency_unit_saved, sender=AgencyUnit, dispatch_uid="enterprise.agency_unit_saved"
        )


def _agency_unit_saved(sender: type, instance: object, **kwargs: object) -> None:
    from .services import forget_agency_facts

    forget_agency_facts(instance.pk)  # type: ignore[attr-defined]
