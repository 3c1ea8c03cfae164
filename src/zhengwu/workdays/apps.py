from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zhengwu.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers workdays.E001, W001, W002)
