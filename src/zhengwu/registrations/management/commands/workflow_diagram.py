"""``manage.py workflow_diagram``: print the generated mermaid diagram of OperatorApplication
(paste it into docs/workflows/registration.md; a test keeps them equal)."""

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.registrations.diagrams import operator_application_mermaid


class Command(BaseCommand):
    help = "Print the state diagram of OperatorApplication, generated from TRANSITIONS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(operator_application_mermaid())
