"""ACC-2 under concurrency: simultaneous wrong passwords all count and lock exactly once.

Real threads with their own connections, PostgreSQL only (the in-memory SQLite test database
cannot race threads; see ``notifications/tests/test_concurrency.py``).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from zhengwu.accounts.tests.factories import MembershipFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.core.testing import race
from zhengwu.notifications.models import SmsMessage
from zhengwu.signin import services
from zhengwu.signin.errors import AccountLocked, SignInFailed
from zhengwu.signin.models import SignInState

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


@override_settings(ZHENGWU_SIGNIN_MAX_FAILURES=5, ZHENGWU_SIGNIN_IP_MAX_FAILURES=0)
def test_simultaneous_wrong_passwords_all_count_and_lock_once():
    """Eight wrong passwords at once on a fresh account (no lockout row yet): the counter
    reads 8, the account is locked, one lock event and one lock SMS."""
    user = MembershipFactory(legal_representative=True, user__username="race_user").user

    def attempt():
        return services.signin_check(
            tab="legal", principal="race_user", password="Bad#2026x", ip=None
        )

    results = race(attempt, 8)
    assert all(isinstance(r, SignInFailed | AccountLocked) for r in results), results
    state = SignInState.objects.get(user=user)
    assert state.failed_attempts == 8 and state.is_locked
    assert AuditEvent.objects.filter(event_type="signin.locked").count() == 1
    assert SmsMessage.objects.filter(template_code="account.locked").count() == 1
    assert AuditEvent.objects.filter(event_type="signin.failed").count() == 8
