from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengwu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from . import checks  # noqa: F401  (registers deploy checks)
        from .dbfaults import mark_lost_database

        got_request_exception.connect(mark_lost_database, dispatch_uid="zhengwu.core.dbfaults")
