from django.apps import AppConfig
from django.core import checks


class FederationConfig(AppConfig):
    name = "zhengwu.federation"
    verbose_name = "其他登录方式"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .checks import check_no_sandbox_federation

        checks.register(check_no_sandbox_federation, checks.Tags.security, deploy=True)
