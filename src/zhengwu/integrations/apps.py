from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "zhengwu.integrations"
    label = "integrations"
    verbose_name = _("外部服务")

    def ready(self) -> None:
        from .captcha import sync_captcha_test_mode

        setting_changed.connect(sync_captcha_test_mode, dispatch_uid="zhengwu-captcha-test-mode")
