from django.apps import AppConfig


class OnlineServicesConfig(AppConfig):
    name = "zhengwu.onlineservices"
    label = "onlineservices"
    verbose_name = "全程网办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhengwu.core.permissions import connect_staff_group
        from zhengwu.uploads.access import register_viewer_check

        from . import sms
        from .permissions import STAFF_GROUP, STAFF_PERMISSIONS, staff_can_view_upload

        connect_staff_group(self, STAFF_GROUP, STAFF_PERMISSIONS)
        register_viewer_check(staff_can_view_upload)
        sms.register()
