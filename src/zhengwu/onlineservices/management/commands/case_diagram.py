"""``manage.py case_diagram``: print the state diagram of an online application (办件);
paste it into docs/workflows/online-applications.md (a test keeps them equal)."""

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.onlineservices.diagrams import application_mermaid


class Command(BaseCommand):
    help = "Print the state diagram of an online application, generated from TRANSITIONS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(application_mermaid())
