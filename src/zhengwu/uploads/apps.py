from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "zhengwu.uploads"
    label = "uploads"
    verbose_name = "上传材料"
