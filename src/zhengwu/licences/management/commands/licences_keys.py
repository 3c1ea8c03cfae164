"""Create the development signing key and CA of electronic licences (LIC-3).

Writes ``ZHENGWU_LICENCE_SIGNING_KEY`` and ``ZHENGWU_LICENCE_CA_CERT`` (default under
``VAR_DIR/private/licences``, mode 0600, never committed). ``--if-missing`` leaves existing
files alone (``make run``); without it, existing keys are kept unless ``--force``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhengwu.licences.keys import configured_paths, create_keys, keys_exist


class Command(BaseCommand):
    help = "Create the licence signing key and CA certificate (development)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-missing", action="store_true", help="do nothing if both exist")
        parser.add_argument("--force", action="store_true", help="replace existing keys")

    def handle(self, *args: Any, **options: Any) -> None:
        signer, ca = configured_paths()
        if keys_exist() and not options["force"]:
            if options["if_missing"]:
                return
            raise CommandError(f"Keys exist ({signer}, {ca}); use --force to replace them.")
        create_keys(signer_path=signer, ca_path=ca)
        self.stdout.write(f"Licence signing key: {signer}\nLicence CA certificate: {ca}")
