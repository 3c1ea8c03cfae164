from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhengwu.notifications"
    label = "notifications"
