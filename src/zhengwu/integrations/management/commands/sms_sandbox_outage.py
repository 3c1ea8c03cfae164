"""``manage.py sms_sandbox_outage on|off|status``: simulate the whole SMS gateway being down.

Only for the sandbox gateway (``ZHENGWU_SMS_BACKEND`` = ``SandboxSmsGateway``); the switch is a
database row, so every app process and task worker sees it at once. See the fault drill in
``docs/operations.md``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengwu.integrations import conf
from zhengwu.integrations.sms.sandbox import gateway_outage, set_gateway_outage


class Command(BaseCommand):
    help = "Switch the simulated outage of the sandbox SMS gateway on or off, or show it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("state", choices=["on", "off", "status"])

    def handle(self, *args: Any, state: str, **options: Any) -> None:
        if not conf.sandbox_enabled():
            raise CommandError("ZHENGWU_SANDBOX is off: there is no sandbox gateway to switch.")
        if state != "status":
            set_gateway_outage(state == "on")
        self.stdout.write("sandbox SMS gateway: " + ("DOWN" if gateway_outage() else "up"))
