from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "zhengwu.signin"
    verbose_name = "登录与账号安全"
    default_auto_field = "django.db.models.BigAutoField"
