"""Races settled by the database: concurrent code requests and concurrent delivery workers.

Real threads with their own connections (``transaction=True``), on PostgreSQL only: the
per-mobile row lock and the conditional claim do the work there. The SQLite test database is
in memory with a shared cache, whose table locks fail at once instead of waiting, so threads
cannot be raced on it; a SQLite file database (the embedded default) serialises writers with
``BEGIN IMMEDIATE``. The claim race is also tested on both databases in ``test_sms_deliver``.
"""

import time

import pytest
from django.db import connection

from zhengwu.core.testing import race
from zhengwu.integrations.models import SandboxSms
from zhengwu.integrations.sms.sandbox import SandboxSmsGateway
from zhengwu.notifications.errors import SmsRateLimited
from zhengwu.notifications.models import SmsAttempt, SmsMobileCounter, VerificationCode
from zhengwu.notifications.services import sms_deliver, sms_send, verification_code_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


def test_simultaneous_code_requests_for_one_new_mobile_send_one_code():
    """Five requests at once for a mobile never seen before: one code, four refusals."""
    results = race(lambda: verification_code_send(mobile="13812345678", purpose="registration"), 5)
    sent = [r for r in results if isinstance(r, VerificationCode)]
    limited = [r for r in results if isinstance(r, SmsRateLimited)]
    assert (len(sent), len(limited)) == (1, 4), results
    assert VerificationCode.objects.count() == 1
    assert SmsMobileCounter.objects.get().codes_sent == 1


class SlowGateway(SandboxSmsGateway):
    """Takes a while, so that the second worker arrives while the first is sending."""

    def send(self, request):
        time.sleep(0.2)
        return super().send(request)


def test_two_workers_on_one_message_send_it_once(settings):
    """Two delivery tasks for the same message at the same time: one SMS, one attempt."""
    settings.ZHENGWU_SMS_BACKEND = f"{__name__}.SlowGateway"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    message = sms_send(
        mobile="13812345678", template="account.locked", params={"username": "zhangsan"}
    )
    results = race(lambda: sms_deliver(message_id=message.pk), 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert SandboxSms.objects.count() == 1
    assert SmsAttempt.objects.count() == 1
