"""``manage.py upload_purge_orphans``: delete stored upload files that have no row (daily).

They are left by transactions that rolled back after the file was written; see
``zhengwu.uploads.services.upload_purge_orphans``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengwu.uploads.services import upload_purge_orphans


class Command(BaseCommand):
    help = "Delete upload files without a database row, older than --hours (default 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=float, default=1.0, help="minimum age (default 1)")
        parser.add_argument("--dry-run", action="store_true", help="list, do not delete")

    def handle(self, *args: Any, hours: float, dry_run: bool, **options: Any) -> None:
        report = upload_purge_orphans(older_than=timedelta(hours=hours), dry_run=dry_run)
        if options["verbosity"] > 1:
            for name in report.orphans:
                self.stdout.write(name)
        if options["verbosity"] > 0:
            verb = "would delete" if dry_run else "deleted"
            self.stdout.write(f"{verb} {len(report.orphans)} orphan file(s)")
