"""``manage.py workflow_diagram [name]``: print the generated mermaid diagram of a workflow
(``operator_application`` by default, or ``natural_person_review``); paste it into
docs/workflows/registration.md (a test keeps them equal)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengwu.registrations.diagrams import DIAGRAMS


class Command(BaseCommand):
    help = "Print the state diagram of a registration workflow, generated from TRANSITIONS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "workflow", nargs="?", default="operator_application", choices=sorted(DIAGRAMS)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(DIAGRAMS[options["workflow"]]())
