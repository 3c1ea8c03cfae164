from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "zhengwu.workspace"
    label = "workspace"
    verbose_name = "用户空间"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in records)
