"""``manage.py federation_purge``: delete sign-in flows, sandbox codes and sandbox scans that
expired more than a day ago (run daily from cron or a systemd timer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...services import flows_purge


class Command(BaseCommand):
    help = "Delete expired federated sign-in flows (and sandbox codes and scans)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=1, help="expired at least this long ago")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        deleted = flows_purge(older_than=timedelta(days=days))
        self.stdout.write(f"{deleted} rows deleted")
