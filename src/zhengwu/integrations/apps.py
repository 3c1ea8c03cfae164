from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "zhengwu.integrations"
    label = "integrations"
