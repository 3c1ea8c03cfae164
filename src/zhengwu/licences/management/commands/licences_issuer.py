"""Create or re-key an issuing department and print its API key once (LIC-1 a)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import ZhengwuError
from zhengwu.licences.services import issuer_key_create


class Command(BaseCommand):
    help = "Create or re-key an issuing department; prints the new API key (shown only once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("uscc", help="the issuer's unified social credit code")
        parser.add_argument("name", help="the issuer's name, e.g. 杭州市市场监督管理局")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issuer, key = issuer_key_create(
                issuer_uscc=options["uscc"], name=options["name"], actor="manage.py"
            )
        except ZhengwuError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{issuer.name} ({issuer.uscc})\nAPI key: {key}")
