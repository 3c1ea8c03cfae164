from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhengwu.registry"
    label = "registry"
