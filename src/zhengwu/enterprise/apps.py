from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "zhengwu.enterprise"
    verbose_name = "企业码"
    default_auto_field = "django.db.models.BigAutoField"
