"""``manage.py agent_signatures_expire``: 签名超时 for every agent registration whose legal
representative has not signed within 48 hours (REG-10); run it from cron or use the task."""

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.registrations.agent.signing import agent_signatures_expire


class Command(BaseCommand):
    help = "Move agent registrations past their 48-hour signing deadline to 签名超时."

    def handle(self, *args: Any, **options: Any) -> None:
        count = agent_signatures_expire()
        self.stdout.write(f"签名超时：{count} 件")
