from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.onlineservices.demo import catalogue_demo_load


class Command(BaseCommand):
    help = "载入演示用的政务服务事项目录（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = catalogue_demo_load()
        self.stdout.write(self.style.SUCCESS(f"演示事项目录已就绪：{count} 个事项。"))
