"""Exactly-once SMS delivery when task workers die mid-send (OPS-2, issue 15 "faults").

A worker "dies" by raising ``SystemExit`` from inside the gateway call: before the gateway
took the message (the claim is all that happened), or after it (the vendor delivered, the
outbox never heard). The message stays ``sending``; after ``ZHENGWU_SMS_STALE_CLAIM_SECONDS``
``sms_retry`` takes the claim back and sends again under the same idempotency key, and the
gateway (the sandbox, which records every request and every delivery) delivers it once.
"""

import random
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from zhengwu.core.testing import run_together
from zhengwu.integrations.models import SandboxSms
from zhengwu.integrations.sms import SmsRequest
from zhengwu.integrations.sms.sandbox import SandboxSmsGateway
from zhengwu.notifications import conf
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import sms_deliver, sms_retry_due, sms_send
from zhengwu.notifications.services.recovery import LOST_EXCEPTION
from zhengwu.notifications.tasks import deliver_sms

Status = SmsMessage.Status
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
STALE = conf.stale_claim_after() + timedelta(seconds=1)


class RecordingGateway(SandboxSmsGateway):
    """The sandbox, with every request it receives listed and a way to kill the worker:
    ``die_before`` / ``die_after`` hold references whose next send ends the worker before /
    after the sandbox delivered."""

    requests: list[str] = []
    die_before: set[str] = set()
    die_after: set[str] = set()
    lock = threading.Lock()

    def send(self, request: SmsRequest):
        with self.lock:
            self.requests.append(request.idempotency_key)
            before = request.reference in self.die_before
            after = request.reference in self.die_after
            self.die_before.discard(request.reference)
            self.die_after.discard(request.reference)
        if before:
            raise SystemExit("worker killed before the gateway took the message")
        receipt = super().send(request)
        if after:
            raise SystemExit("worker killed after the gateway took the message")
        return receipt


@pytest.fixture
def gateway(settings):
    settings.ZHENGWU_SMS_BACKEND = f"{__name__}.RecordingGateway"
    settings.TASKS = DUMMY_TASKS
    RecordingGateway.requests = []
    RecordingGateway.die_before = set()
    RecordingGateway.die_after = set()
    return RecordingGateway


def _queue(mobile="13812345678"):
    return sms_send(mobile=mobile, template="account.locked", params={"username": "zhangsan"})


def _deliveries(message):
    return SandboxSms.objects.filter(
        reference=f"sms-{message.pk}", status=SandboxSms.Status.DELIVERED
    ).count()


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["die_before", "die_after"])
def test_a_worker_killed_mid_send_ends_with_one_delivery(gateway, frozen, moment):
    message = _queue()
    getattr(gateway, moment).add(f"sms-{message.pk}")
    with pytest.raises(SystemExit):
        sms_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENDING  # the dead worker's claim

    frozen.shift(conf.stale_claim_after() - timedelta(seconds=1))
    assert sms_retry_due() == 0  # the claim may still be alive
    frozen.shift(timedelta(seconds=2))
    out = StringIO()
    call_command("sms_retry", stdout=out)
    assert "1 message(s) tried" in out.getvalue()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert _deliveries(message) == 1
    # the gateway was asked twice under one key; it delivered once
    assert gateway.requests == [f"sms-{message.pk}"] * 2
    first = SandboxSms.objects.get(reference=f"sms-{message.pk}", status="delivered")
    assert message.provider_message_id == first.provider_message_id


def test_stale_claim_time_is_short_and_above_the_gateway_time_out():
    """Shortened from 600 s; still longer than one gateway call (2 × the 10 s time-out)."""
    assert timedelta(seconds=20) < conf.stale_claim_after() <= timedelta(seconds=60)


@pytest.mark.django_db(transaction=True)
def test_the_task_row_of_a_dead_worker_is_marked_failed(settings, frozen):
    """django-tasks-db: the row the killed worker claimed would stay RUNNING for good;
    ``sms_retry`` marks it FAILED (SmsWorkerLost) once the message is taken back."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ZHENGWU_SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.requests = []
    message = _queue()
    deliver_sms.enqueue(message.pk)  # relayed messages have none (decision 0034): an old row
    row = DBTaskResult.objects.get(task_path="zhengwu.notifications.tasks.deliver_sms")
    row.claim("worker-a")  # what db_worker does before running it
    RecordingGateway.die_after = {f"sms-{message.pk}"}
    with pytest.raises(SystemExit):
        row.task.call(*row.args_kwargs["args"])
    row.refresh_from_db()
    assert row.status == "RUNNING"

    frozen.shift(STALE)
    out = StringIO()
    call_command("sms_retry", stdout=out)
    assert "1 task row(s) of dead workers marked failed" in out.getvalue()
    row.refresh_from_db()
    assert (row.status, row.exception_class_path) == ("FAILED", LOST_EXCEPTION)
    assert row.finished_at is not None
    message.refresh_from_db()
    assert message.status == Status.SENT and _deliveries(message) == 1


@pytest.mark.django_db(transaction=True)
def test_a_long_running_task_row_of_a_live_worker_is_left_alone(settings, frozen):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ZHENGWU_SMS_BACKEND = f"{__name__}.RecordingGateway"
    deliver_sms.enqueue(_queue().pk)
    row = DBTaskResult.objects.get()
    row.claim("worker-a")
    frozen.shift(conf.stale_claim_after() - timedelta(seconds=1))
    call_command("sms_retry", stdout=StringIO())
    row.refresh_from_db()
    assert row.status == "RUNNING"


# --- real concurrency: threads with their own connections (PostgreSQL) ----------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need PostgreSQL"
)


class SlowSandbox(SandboxSmsGateway):
    """Checks for an earlier delivery, then takes a while before delivering: two requests
    with one key both pass the check before either delivers."""

    def _failure(self, request):
        time.sleep(0.2)
        return super()._failure(request)


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_the_sandbox_delivers_one_key_once_under_concurrency():
    request = SmsRequest(mobile="13812345678", text="【政务服务网】测试", reference="sms-4242")
    receipts = run_together(*[lambda: SlowSandbox().send(request)] * 2)
    assert not [r for r in receipts if isinstance(r, Exception)], receipts
    assert receipts[0].provider_message_id == receipts[1].provider_message_id
    assert SandboxSms.objects.filter(reference="sms-4242", status="delivered").count() == 1


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_two_workers_and_two_retry_loops_deliver_each_sms_once(gateway, frozen):
    """Twelve messages, three of them left ``sending`` by killed workers (two after the gateway
    took them). Then, at once: two workers delivering every message (in their own orders) and
    two ``sms_retry`` loops. Every message is sent, and delivered exactly once."""
    messages = [_queue(f"1381234{n:04d}") for n in range(100, 112)]
    refs = [f"sms-{m.pk}" for m in messages]
    gateway.die_before = {refs[0]}
    gateway.die_after = {refs[1], refs[2]}
    for message in messages[:3]:
        with pytest.raises(SystemExit):
            sms_deliver(message_id=message.pk)
    frozen.shift(STALE)

    ids = [m.pk for m in messages]

    def worker(seed):
        order = ids[:]
        random.Random(seed).shuffle(order)
        return [sms_deliver(message_id=pk) for pk in order]

    def retry_loop():
        return [sms_retry_due() for _round in range(3)]

    results = run_together(lambda: worker(1), lambda: worker(2), retry_loop, retry_loop, timeout=60)
    assert not [r for r in results if isinstance(r, BaseException)], results
    call_command("sms_retry", stdout=StringIO())  # whatever a lost race left due

    statuses = set(SmsMessage.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT}
    for ref in refs:
        assert SandboxSms.objects.filter(reference=ref, status="delivered").count() == 1, ref
    assert SandboxSms.objects.filter(status="delivered").count() == len(messages)
    # the two killed after the gateway took them were asked again and not delivered again
    assert gateway.requests.count(refs[1]) == gateway.requests.count(refs[2]) == 2
