"""Fixtures of the notification tests."""

import pytest
from django.utils import timezone

from zhengwu.integrations.models import SandboxSms


@pytest.fixture
def frozen(time_machine):
    """Time stands still at the current instant until the test moves it."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


@pytest.fixture
def delivered():
    """The texts the sandbox gateway delivered, oldest first."""

    def read() -> list[str]:
        rows = SandboxSms.objects.filter(status=SandboxSms.Status.DELIVERED).order_by("id")
        return [row.text for row in rows]

    return read
