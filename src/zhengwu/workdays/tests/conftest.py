"""Fixtures of the working-day tests: the calendar itself comes seeded by migration 0002."""

from __future__ import annotations

import pytest


@pytest.fixture
def calendar_staff(django_user_model):
    """A back-office user who maintains the calendar (superuser: all admin permissions)."""
    return django_user_model.objects.create_superuser("calendar_staff", password="x")
