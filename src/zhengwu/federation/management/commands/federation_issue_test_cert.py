"""``manage.py federation_issue_test_cert <uscc>``: a sandbox legal-person certificate.

Writes ``VAR_DIR/federation-sandbox/certs/<uscc>.p12`` (PKCS#12, key + certificate + sandbox
CA), protected by ``--pin`` (default ``123456``). The sandbox "USB key" page
(``/sandbox/federation/usb-key/``) signs login challenges with it. Sandbox mode only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengwu import identifiers
from zhengwu.accounts.models import Organisation
from zhengwu.integrations.conf import sandbox_enabled

from ... import keys


class Command(BaseCommand):
    help = "Issue a sandbox legal-person certificate (PKCS#12 under var/) for a USCC."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("uscc", help="统一社会信用代码 of the organisation")
        parser.add_argument("--name", default="", help="organisation name (default: from the DB)")
        parser.add_argument("--pin", default=keys.DEFAULT_PIN, help="PKCS#12 password (PIN)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not sandbox_enabled():
            raise CommandError("Sandbox mode is off (ZHENGWU_SANDBOX=0): no test certificates.")
        try:
            uscc = identifiers.uscc.validate(options["uscc"])
        except identifiers.InvalidIdentifier as exc:
            raise CommandError(f"统一社会信用代码：{exc.message}") from exc
        organisation = Organisation.objects.filter(uscc=uscc).first()
        name = options["name"] or (organisation.name if organisation else uscc)
        path = keys.write_test_certificate(uscc=uscc, organisation_name=name, pin=options["pin"])
        self.stdout.write(f"{path}")
