from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A test-only app holding a minimal workflow model (installed by test settings only)."""

    name = "zhengwu.core.tests.testapp"
    label = "core_testapp"
