from django.apps import AppConfig


class OrgcentreConfig(AppConfig):
    name = "zhengwu.orgcentre"
    verbose_name = "组织中心"
    default_auto_field = "django.db.models.BigAutoField"
