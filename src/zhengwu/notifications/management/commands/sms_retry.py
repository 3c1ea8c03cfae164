"""``manage.py sms_retry``: deliver the SMS messages that are due (run it every minute).

Retries after transient failures, messages whose delivery task was lost or that no worker
relayed (decision 0034), and messages left ``sending`` by a worker that died (after
``ZHENGWU_SMS_STALE_CLAIM_SECONDS``), and marks the task rows of dead workers ``FAILED``
(``sms_tasks_reap``). Safe to run beside the workers and on several hosts at once: a message is
claimed by one conditional update, and a resend of a message whose worker died after the
gateway took it carries the same idempotency key, so the gateway delivers it once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengwu.notifications.services import sms_retry_due
from zhengwu.notifications.services.recovery import sms_tasks_reap


class Command(BaseCommand):
    help = "Deliver the SMS messages whose (re)try is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="at most this many messages per run (default 100)",
        )

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        reaped = sms_tasks_reap()
        tried = sms_retry_due(limit=limit)
        if options["verbosity"] > 0:
            self.stdout.write(f"{tried} message(s) tried")
            if reaped:
                self.stdout.write(f"{reaped} task row(s) of dead workers marked failed")
