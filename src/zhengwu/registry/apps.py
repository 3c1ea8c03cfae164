from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The market-entity register mirror: import, lookup, demo data."""

    name = "zhengwu.registry"
    label = "registry"
    verbose_name = "市场主体登记库"
