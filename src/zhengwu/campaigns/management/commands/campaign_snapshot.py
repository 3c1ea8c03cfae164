"""Freeze the weekly statistics of every active campaign (for cron or a systemd timer).

Run it at (or after) the reporting moment, e.g. every hour on Fridays: each due week without a
snapshot is taken — a week missed because the host was down is caught up on the next run —
and a week already reported is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.campaigns import selectors, services


class Command(BaseCommand):
    help = "Take the due weekly snapshots of every active campaign (catches up missed weeks)."

    def handle(self, *args: Any, **options: Any) -> None:
        for campaign in selectors.campaigns_active():
            taken = services.catch_up(campaign)
            for snapshot in taken:
                note = "（补生成）" if snapshot.caught_up else ""
                self.stdout.write(f"{campaign.name}: {snapshot.week_ending:%Y-%m-%d}{note}")
            if not taken:
                self.stdout.write(f"{campaign.name}: 无待生成的周统计")
