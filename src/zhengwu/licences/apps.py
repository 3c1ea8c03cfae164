from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    verbose_name = "电子证照"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
