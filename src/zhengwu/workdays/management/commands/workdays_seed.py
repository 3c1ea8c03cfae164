"""``manage.py workdays_seed``: load the holiday notices chinesecalendar knows (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.workdays.services import calendar_seed


class Command(BaseCommand):
    help = (
        "Load every year the installed chinesecalendar knows into the working-day calendar; "
        "rows entered by staff are kept. Run after upgrading chinesecalendar."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = calendar_seed(actor="workdays_seed")
        self.stdout.write(
            f"chinesecalendar {result.library_version}: years {result.years[0]}–"
            f"{result.years[-1]}; created {result.created}, updated {result.updated}, "
            f"deleted {result.deleted}, staff rows kept {result.kept_staff}; "
            f"years newly marked complete: {result.years_marked or 'none'}"
        )
