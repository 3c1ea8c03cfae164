"""``manage.py sms_retry``: deliver the SMS messages that are due (run it every minute).

Retries after transient failures, messages whose delivery task was lost and messages left
``sending`` by a worker that died. Safe to run beside the workers: a message is claimed by one
conditional update, so it is never sent twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengwu.notifications.services import sms_retry_due


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
        tried = sms_retry_due(limit=limit)
        if options["verbosity"] > 0:
            self.stdout.write(f"{tried} message(s) tried")
