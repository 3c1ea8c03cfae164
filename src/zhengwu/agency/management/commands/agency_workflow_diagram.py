"""``manage.py agency_workflow_diagram``: print the mermaid diagram of the agency application
workflow; paste it into docs/workflows/agency-coding.md (a test keeps them equal)."""

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.agency.diagrams import application_mermaid


class Command(BaseCommand):
    help = "Print the state diagram of agency code-assignment applications (from TRANSITIONS)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(application_mermaid())
