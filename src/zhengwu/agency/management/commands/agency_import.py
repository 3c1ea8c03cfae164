"""``manage.py agency_import FILE [--report PATH]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengwu.agency.services.importing import AgencyImportError, agency_import


class Command(BaseCommand):
    """Import a list of agencies, mass organisations and public institutions (CSV or XLSX)."""

    help = "导入机关、群团和事业单位赋码登记信息（CSV 或 XLSX），被拒绝的行写入报告"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="导入文件（.csv 或 .xlsx）")
        parser.add_argument(
            "--report", help="被拒绝行的报告文件（CSV），默认为 <文件名>.report.csv"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = agency_import(options["file"], report_path=options["report"])
        except AgencyImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"导入完成：{result.file_name} 共 {result.rows} 行，新增 {result.inserted}，"
            f"更新 {result.updated}，未变化 {result.unchanged}，拒绝 {result.rejected}"
            f"（其中重复 {result.duplicates}）；用时 {result.seconds:.2f} 秒"
        )
        style = self.style.WARNING if result.rejected else self.style.SUCCESS
        self.stdout.write(style(f"报告：{result.report_path}"))
