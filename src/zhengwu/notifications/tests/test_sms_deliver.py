"""sms_deliver / sms_retry_due: one send per message, retries with backoff, permanent stops."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings

from zhengwu.audit.models import AuditEvent
from zhengwu.integrations.models import SandboxSms
from zhengwu.integrations.sms import SmsReceipt
from zhengwu.integrations.sms.sandbox import SandboxSmsGateway
from zhengwu.notifications.models import SmsAttempt, SmsMessage
from zhengwu.notifications.services import sms_deliver, sms_retry_due, sms_send
from zhengwu.notifications.services.outbox import backoff

pytestmark = pytest.mark.django_db
Status = SmsMessage.Status


def _queue(mobile="13812345678", **kwargs):
    """An outbox message whose delivery task has not run (the on-commit hook is dropped)."""
    return sms_send(
        mobile=mobile, template="account.locked", params={"username": "zhangsan"}, **kwargs
    )


@pytest.fixture
def queued(django_capture_on_commit_callbacks):
    def make(mobile="13812345678", **kwargs):
        with django_capture_on_commit_callbacks(execute=False):
            return _queue(mobile, **kwargs)

    return make


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """sms_deliver as the worker runs it, with its own on-commit hooks executed."""

    def run(message):
        with django_capture_on_commit_callbacks(execute=True):
            sms_deliver(message_id=message.pk)
        message.refresh_from_db()
        return message

    return run


def test_transient_failure_is_retried_after_backoff_and_recorded(
    queued, deliver, frozen, delivered
):
    """…0001 fails once: queued again for 30 s later, then sent by sms_retry_due; 2 attempts."""
    message = deliver(queued("13800000001"))
    assert message.status == Status.QUEUED
    assert (message.attempts, message.last_error) == (1, "网关超时")
    assert message.next_attempt_at == message.delivery_attempts.get().finished_at + timedelta(
        seconds=30
    )
    assert sms_retry_due() == 0  # not due yet
    frozen.shift(timedelta(seconds=30))
    assert sms_retry_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    attempts = list(
        message.delivery_attempts.values_list(
            "number", "is_success", "is_permanent", "provider_code"
        )
    )
    assert attempts == [(1, False, False, "TIMEOUT"), (2, True, False, "")]
    assert len(delivered()) == 1


def test_permanent_failure_stops_at_once(queued, deliver, frozen):
    """…0000 (空号) fails permanently: status failed after one attempt, never retried."""
    message = deliver(queued("13800000000"))
    assert (message.status, message.attempts, message.last_error) == (Status.FAILED, 1, "空号")
    assert message.failed_at is not None
    assert message.delivery_attempts.get().is_permanent
    frozen.shift(timedelta(hours=2))
    assert sms_retry_due() == 0
    event = AuditEvent.objects.get(event_type="sms.failed")
    assert event.outcome == "failure" and event.after["mobile"] == "138****0000"
    assert event.after["error"] == "EMPTY_NUMBER"


@override_settings(ZHENGWU_SMS_MAX_RETRIES=3)
def test_transient_failures_give_up_after_max_retries(queued, deliver, frozen):
    """…0002 stays busy: 1 + ZHENGWU_SMS_MAX_RETRIES attempts with doubling delays, then failed."""
    message = deliver(queued("13800000002"))
    for expected_delay in (60, 120):
        frozen.shift(message.next_attempt_at - message.delivery_attempts.last().finished_at)
        sms_retry_due()
        message.refresh_from_db()
        last = message.delivery_attempts.last()
        assert message.next_attempt_at - last.finished_at == timedelta(seconds=expected_delay)
    frozen.shift(timedelta(minutes=5))
    assert sms_retry_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 4)
    assert message.delivery_attempts.count() == 4
    assert not message.delivery_attempts.filter(is_permanent=True).exists()


def test_backoff_doubles_and_is_capped():
    """30 s, 1 min, 2 min, ... never more than an hour."""
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=1)


class HookedGateway(SandboxSmsGateway):
    """The sandbox gateway with a hook run inside ``send`` (set by the test)."""

    hook = None

    def send(self, request):
        result = type(self).hook(request) if type(self).hook else None
        return result or super().send(request)


@pytest.fixture
def hooked_gateway(settings):
    settings.ZHENGWU_SMS_BACKEND = f"{__name__}.HookedGateway"
    yield HookedGateway
    HookedGateway.hook = None


def test_two_claims_of_one_message_send_it_once(queued, delivered, hooked_gateway):
    """A second worker arriving while the first is sending finds the row claimed: one SMS."""
    message = queued()
    second_worker_saw = []
    hooked_gateway.hook = lambda request: second_worker_saw.append(
        sms_deliver(message_id=message.pk).status
    )
    sms_deliver(message_id=message.pk)
    assert second_worker_saw == [Status.SENDING]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert len(delivered()) == 1 and SmsAttempt.objects.count() == 1
    sms_deliver(message_id=message.pk)  # a late duplicate task changes nothing
    assert len(delivered()) == 1 and SmsAttempt.objects.count() == 1


def test_expired_message_is_not_sent(queued, deliver, frozen, delivered):
    """A verification-code SMS not delivered before its code expires is dropped, not sent."""
    from django.utils import timezone

    message = queued(expires_at=timezone.now() + timedelta(minutes=5))
    frozen.shift(timedelta(minutes=5))
    message = deliver(message)
    assert (message.status, message.last_error) == (Status.EXPIRED, "已过有效期，不再发送")
    assert delivered() == [] and not SmsAttempt.objects.exists()


def test_unexpected_gateway_exception_is_a_transient_failure(queued, deliver, monkeypatch):
    """A bug or unmapped vendor error in the gateway is recorded and retried, not lost."""

    def explode(self, request):
        raise ConnectionResetError("peer reset")

    monkeypatch.setattr(SandboxSmsGateway, "send", explode)
    message = deliver(queued())
    assert (message.status, message.last_error) == (Status.QUEUED, "网关异常：ConnectionResetError")
    assert message.delivery_attempts.get().provider_code == "EXCEPTION"


def test_retry_is_enqueued_with_run_after_when_the_backend_can_defer(queued, deliver):
    """With a deferring backend (django-tasks-db in production) the retry task carries run_after."""
    message = queued("13800000001")
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ):
        message = deliver(message)
        results = task_backends["default"].results
        assert len(results) == 1
        assert results[0].task.run_after == message.next_attempt_at
        assert results[0].args == [message.pk]


def test_lost_task_and_dead_worker_are_recovered(queued, frozen, delivered):
    """sms_retry_due sends a queued message whose task never ran, and requeues a stale claim."""
    lost = queued()
    frozen.shift(timedelta(seconds=59))
    assert sms_retry_due() == 0  # its task may still be on the way
    frozen.shift(timedelta(seconds=1))
    assert sms_retry_due() == 1
    lost.refresh_from_db()
    assert lost.status == Status.SENT

    stuck = queued("13912345678")
    SmsMessage.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, claim_token="dead", claimed_at=stuck.created_at
    )
    frozen.shift(timedelta(minutes=10, seconds=1))
    assert sms_retry_due() == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Status.SENT, 2)
    assert AuditEvent.objects.filter(event_type="sms.requeued_stale").count() == 1
    assert len(delivered()) == 2


def test_late_result_of_a_dead_claim_does_not_overwrite_the_new_one(queued, frozen, hooked_gateway):
    """A worker that resumes after its claim was taken back records its attempt only."""
    message = queued()

    def stall(request):
        frozen.shift(timedelta(minutes=11))
        SmsMessage.objects.filter(pk=message.pk).update(claim_token="someone-else")
        return SmsReceipt("late-id", message.created_at)

    hooked_gateway.hook = stall
    sms_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENDING and message.provider_message_id == ""
    assert message.delivery_attempts.get().provider_message_id == "late-id"


def test_sms_retry_command(queued, frozen):
    """manage.py sms_retry runs sms_retry_due and reports how many it tried."""
    queued()
    frozen.shift(timedelta(minutes=2))
    out = StringIO()
    call_command("sms_retry", stdout=out)
    assert out.getvalue().strip() == "1 message(s) tried"
    assert SandboxSms.objects.filter(status="delivered").count() == 1
