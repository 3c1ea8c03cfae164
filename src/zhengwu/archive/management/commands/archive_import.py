"""The scanning room's batch import: a folder of scans plus a manifest CSV.

    manage.py archive_import /srv/scans/2026-07-01 [--manifest manifest.csv] [--user NAME]

Columns: 统一社会信用代码, 档案类型, 日期, 标题, 文件名. Rows that match no entity or file
are listed; a re-run skips files already imported (same SHA-256).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhengwu.archive.errors import ManifestInvalid
from zhengwu.archive.services import import_batch


class Command(BaseCommand):
    help = "Import scanned archive files from a folder with a manifest CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder")
        parser.add_argument("--manifest", default="manifest.csv")
        parser.add_argument("--user", default="", help="username recorded as the uploader")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        manifest = folder / options["manifest"]
        if not folder.is_dir():
            raise CommandError(f"文件夹不存在：{folder}")
        if not manifest.is_file():
            raise CommandError(f"清单文件不存在：{manifest}")
        actor: Any = "archive_import"
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        try:
            report = import_batch(folder, manifest.read_bytes(), actor=actor)
        except ManifestInvalid as error:
            raise CommandError(error.message) from error
        for line in report.skipped + report.problems:
            self.stdout.write(line)
        self.stdout.write(
            f"导入 {len(report.imported)} 个，跳过 {len(report.skipped)} 个，"
            f"有问题 {len(report.problems)} 行"
        )
