from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "zhengwu.registrations"
    label = "registrations"
    verbose_name = "法人注册"
