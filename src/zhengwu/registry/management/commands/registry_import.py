"""``manage.py registry_import FILE [--report PATH] [--workers N]``."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengwu.registry.services.importing import RegistryImportError, registry_import


class Command(BaseCommand):
    """Import a market-supervision export (CSV or XLSX) into the register mirror.

    The work is ``registry.services.importing.registry_import``; this command parses the
    arguments and prints the counts. Exit status 1 when the file cannot be imported at all.
    """

    help = "导入市场主体登记信息（CSV 或 XLSX），被拒绝的行写入报告"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="导出文件（.csv 或 .xlsx）")
        parser.add_argument(
            "--report", help="被拒绝行的报告文件（CSV），默认为 <文件名>.report.csv"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="工作进程数（默认按文件大小和 CPU 数自动选择；0 表示不使用子进程）",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="不显示进度（标准错误输出不是终端时也不显示）",
        )
        parser.add_argument(
            "--batch-rows",
            type=int,
            default=0,
            help="每导入约这么多行提交一次并记录断点；同一文件再次运行时从断点继续"
            "（仅 CSV；默认 0：整个文件一个事务）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show_progress = (
            not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        )
        try:
            result = registry_import(
                options["file"],
                report_path=options["report"],
                workers=options["workers"],
                progress=sys.stderr if show_progress else None,
                batch_rows=max(options["batch_rows"], 0),
            )
        except RegistryImportError as exc:
            raise CommandError(exc.message) from exc
        rate = result.rows / result.seconds if result.seconds else 0
        if result.resumed_at_line:
            self.stdout.write(f"从第 {result.resumed_at_line} 行继续（此前的批次已导入）")
        self.stdout.write(
            f"导入完成：{result.file_name} 共 {result.rows} 行，新增 {result.inserted}，"
            f"更新 {result.updated}，未变化 {result.unchanged}，拒绝 {result.rejected}"
            f"（其中重复 {result.duplicates}）；用时 {result.seconds:.2f} 秒"
            f"（{rate:,.0f} 行/秒，{result.method}，{result.workers} 个进程）"
        )
        style = self.style.WARNING if result.rejected else self.style.SUCCESS
        self.stdout.write(style(f"报告：{result.report_path}"))
