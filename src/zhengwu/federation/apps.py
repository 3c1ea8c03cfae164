from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "zhengwu.federation"
    verbose_name = "其他登录方式"
    default_auto_field = "django.db.models.BigAutoField"
