"""``manage.py demo_data [--count 5000] [--seed 2026] [--if-empty]``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from zhengwu.agency.services.demo import demo_load as agency_demo_load
from zhengwu.registry import conf
from zhengwu.registry.services.demo import demo_data_load


class Command(BaseCommand):
    """Load reproducible demo register data (personas + generated entities) through the bulk
    import, and in sandbox mode the back-office superuser. See ``registry.services.demo``."""

    help = "生成演示用的市场主体登记数据（含固定的演示人物），沙箱模式下同时创建后台管理员"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=5000, help="生成的市场主体数量（默认 5000）"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）"
        )
        parser.add_argument("--if-empty", action="store_true", help="登记库中已有数据时什么也不做")
        parser.add_argument("--workers", type=int, default=None, help="导入使用的工作进程数")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_data_load(
            count=options["count"],
            seed=options["seed"],
            if_empty=options["if_empty"],
            workers=options["workers"],
        )
        agencies = agency_demo_load()  # the agency platform's register (zhengwu.agency)
        self.stdout.write(
            f"机关赋码演示数据：{agencies.units} 个单位，本次新增 {agencies.inserted}。"
        )
        if apps.is_installed("zhengwu.onlineservices"):  # the service catalogue (SVC-1)
            call_command("catalogue_demo", stdout=self.stdout)
        if result.skipped:
            self.stdout.write(f"登记库中已有 {result.entities} 个市场主体，未生成演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪：登记库共 {result.entities} 个市场主体"
                f"（本次新增 {result.inserted}，"
                f"更新 {result.updated}，未变化 {result.unchanged}）。"
            )
        )
        if result.admin_created:
            self.stdout.write(
                f"已创建后台管理员 {conf.DEMO_ADMIN_USERNAME}（密码见 demo_personas）。"
            )
        self.stdout.write("运行 manage.py demo_personas 查看可用于试用注册的演示人物。")
