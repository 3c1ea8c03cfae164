"""The outbox relay (decision 0034): with the database task backend the outbox row is the
queue. ``sms_send`` writes the message and nothing else; every ``manage.py db_worker`` runs
``sms_relay`` beside its task rows, which claims the oldest due message, sends it and records
the attempt. Each message is delivered once, retries wait until they are due, and the claims
of dead workers are taken back."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from zhengwu.core.testing import run_together
from zhengwu.integrations.models import SandboxSms
from zhengwu.notifications import conf
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import sms_relay, sms_send

Status = SmsMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(
    autouse=True,
    params=["zhengwu.core.tasks.DatabaseBackend", "django_tasks_db.DatabaseBackend"],
)
def relayed(request, settings):
    settings.TASKS = {"default": {"BACKEND": request.param}}
    return request.param


def _queue(mobile="13812345678"):
    return sms_send(mobile=mobile, template="account.locked", params={"username": "zhangsan"})


def test_a_relayed_message_is_its_only_row(django_capture_on_commit_callbacks):
    """No task row and nothing after commit: the committed row is the relay's queue."""
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        message = _queue()
    assert not callbacks
    assert not DBTaskResult.objects.exists()
    message.refresh_from_db()
    assert message.status == Status.QUEUED


def test_a_rolled_back_change_leaves_nothing_to_relay(delivered):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError
    assert sms_relay() == 0
    assert delivered() == []


def test_the_relay_delivers_each_message_once_in_turn(delivered):
    messages = [_queue(f"1381234{n:04d}") for n in range(10, 13)]
    assert sms_relay(owner="worker-a") == 3
    assert sms_relay(owner="worker-a") == 0  # nothing left: the worker waits
    assert len(delivered()) == 3
    sent = SandboxSms.objects.filter(status="delivered").order_by("id")
    assert [row.reference for row in sent] == [f"sms-{m.pk}" for m in messages]
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.claim_token.startswith("worker-a:")  # which worker held it


def test_the_relay_takes_at_most_its_limit():
    for n in range(10, 13):
        _queue(f"1381234{n:04d}")
    assert sms_relay(limit=2) == 2
    assert SmsMessage.objects.filter(status=Status.QUEUED).count() == 1
    assert sms_relay(limit=2) == 1


def test_a_retry_waits_until_it_is_due(frozen, delivered):
    """A transient failure (…0001: fails once) puts the message back with its
    ``next_attempt_at``; no task is enqueued, the relay takes it when it is due."""
    from django_tasks_db.models import DBTaskResult

    message = _queue("13812340001")
    assert sms_relay() == 1
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert message.next_attempt_at == timezone.now() + conf.retry_base_delay()  # time stands
    assert not DBTaskResult.objects.exists()
    assert sms_relay() == 0  # not yet due
    frozen.shift(conf.retry_base_delay())
    assert sms_relay() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert len(delivered()) == 1


def test_the_claim_of_a_dead_worker_is_taken_back(frozen, delivered):
    message = _queue()
    SmsMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=message.created_at, claim_token="dead:0"
    )
    assert sms_relay() == 0  # a live claim is left alone
    frozen.shift(conf.stale_claim_after() + timedelta(seconds=1))
    assert sms_relay() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)  # the lost attempt counts
    assert len(delivered()) == 1


@pytest.mark.django_db(transaction=True)  # the worker closes old connections, as in production
def test_the_worker_command_runs_the_relay(delivered):
    """``manage.py db_worker`` is the portal's (``zhengwu.core``): with ``--batch`` it relays
    until the outbox is empty, then runs the task rows and exits."""
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "zhengwu.core"
    _queue("13812340010")
    _queue("13812340011")
    options = ["--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w1"]
    call_command("db_worker", *options, stdout=StringIO())
    assert len(delivered()) == 2
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_failing_relay_does_not_stop_the_others(settings):
    from zhengwu.core.management.commands import db_worker

    calls = []

    def broken(*, owner):
        raise RuntimeError("boom")

    def working(*, owner):
        calls.append(owner)
        return 1

    assert db_worker.relay_once([broken, working], "w1") == 1
    assert calls == ["w1"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")
def test_two_relays_at_once_deliver_each_message_once():
    """Two workers' relays at the same moment: ``SKIP LOCKED`` gives them different rows."""
    messages = [_queue(f"1381234{n:04d}") for n in range(200, 216)]
    counts = run_together(
        lambda: sms_relay(limit=100, owner="a"), lambda: sms_relay(limit=100, owner="b")
    )
    assert not [c for c in counts if isinstance(c, BaseException)], counts
    assert sum(counts) == len(messages)
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    for message in messages:
        delivered = SandboxSms.objects.filter(reference=f"sms-{message.pk}", status="delivered")
        assert delivered.count() == 1
    owners = {
        token.split(":")[0] for token in SmsMessage.objects.values_list("claim_token", flat=True)
    }
    assert owners <= {"a", "b"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_relay_s_claim_reads_the_due_index_not_the_whole_outbox():
    """After a burst PostgreSQL believes many messages are queued; ordered by id it walked the
    primary key through every sent row to find the first queued one. In the due index's order
    it reads only queued rows."""
    from zhengwu.notifications.services.outbox import _claimable

    template = _queue("13812340300")

    def row(status):
        return SmsMessage(
            mobile=template.mobile,
            mobile_hash=template.mobile_hash,
            template_code=template.template_code,
            text=template.text,
            status=status,
            attempts=1 if status == Status.SENT else 0,
            sent_at=template.created_at if status == Status.SENT else None,
        )

    # the sent ones first (lower ids), then a burst still queued
    SmsMessage.objects.bulk_create([row(Status.SENT) for _ in range(20_000)], batch_size=5000)
    SmsMessage.objects.bulk_create([row(Status.QUEUED) for _ in range(4000)], batch_size=5000)
    SmsMessage.objects.filter(pk=template.pk).update(
        status=Status.SENT, sent_at=template.created_at
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_smsmessage")
    claim = _claimable(timezone.now())[:1]
    plan = claim.explain()
    assert "notif_sms_due_idx" in plan and "smsmessage_pkey" not in plan, plan
