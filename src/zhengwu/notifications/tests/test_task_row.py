"""The portal's django-tasks-db row (``core.tasks``): written with a statement built once, the
library's row column for column, in the caller's transaction. SMS messages no longer enqueue
one with the database backend (the worker's relay reads the outbox, decision 0034, see
``test_relay.py``); other backends still get the delivery task after commit."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import sms_send

pytestmark = pytest.mark.django_db

PARAMS = {"organisation": "杭州甲乙科技有限公司", "reason": "材料不清晰"}
DELIVER = "zhengwu.notifications.tasks.deliver_sms"


@pytest.fixture(params=["zhengwu.core.tasks.DatabaseBackend", "django_tasks_db.DatabaseBackend"])
def database_tasks(request, settings):
    settings.TASKS = {"default": {"BACKEND": request.param}}
    return request.param


def _send():
    return sms_send(mobile="13812345678", template="operator_application.rejected", params=PARAMS)


def _enqueue(message_id=4242):
    from zhengwu.notifications.tasks import deliver_sms

    return deliver_sms.enqueue(message_id)


def test_the_task_row_is_written_in_the_caller_s_transaction(
    database_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult, get_date_max

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        _enqueue()
        row = DBTaskResult.objects.get()  # already there, before the commit
    assert not callbacks  # nothing left for after the commit
    assert (row.task_path, row.args_kwargs, row.status) == (
        DELIVER,
        {"args": [4242], "kwargs": {}},
        "READY",
    )
    assert row.run_after == get_date_max() and row.backend_name == "default"
    assert list(DBTaskResult.objects.ready()) == [row]  # what db_worker picks up


def test_a_rolled_back_change_leaves_neither_message_nor_task_row(database_tasks):
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        _send()
        _enqueue()
        raise RuntimeError
    assert not SmsMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_task_row_of_a_message_delivers_it_once(database_tasks, delivered):
    """A row left from before decision 0034 (or enqueued by hand) still delivers, once."""
    from django_tasks_db.models import DBTaskResult

    message = _send()
    assert not DBTaskResult.objects.exists()  # relayed: no row of its own
    _enqueue(message.pk)
    row = DBTaskResult.objects.get()
    assert row.task.call(*row.args_kwargs["args"]) == SmsMessage.Status.SENT
    assert row.task.call(*row.args_kwargs["args"]) == SmsMessage.Status.SENT  # not again
    assert len(delivered()) == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT


def test_one_statement_writes_the_task_row(settings):
    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _enqueue()
    tasks = [q["sql"] for q in queries.captured_queries if "dbtaskresult" in q["sql"]]
    assert len(tasks) == 1 and "INSERT INTO" in tasks[0]
    assert not [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]]


def test_the_immediate_backend_still_runs_after_commit(
    settings, django_capture_on_commit_callbacks, delivered
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _send()
    assert len(callbacks) == 1 and delivered() == []
    callbacks[0]()
    assert len(delivered()) == 1


def test_the_portal_s_task_row_is_the_library_s_row(settings):
    """Columns converted once per kind of task (``core.tasks``): every column as the
    library's own backend writes it, but the id and the time."""
    from django.forms.models import model_to_dict
    from django_tasks_db.models import DBTaskResult

    rows = []
    for backend in ("django_tasks_db.DatabaseBackend", "zhengwu.core.tasks.DatabaseBackend"):
        settings.TASKS = {"default": {"BACKEND": backend}}
        for _ in range(2):  # the second row from the kept values
            _enqueue()
    for row in DBTaskResult.objects.order_by("enqueued_at"):
        values = model_to_dict(row, exclude=["id", "enqueued_at"])
        rows.append(values)
    assert len(rows) == 4 and all(values == rows[0] for values in rows), rows


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_in_a_combined_write_the_task_is_announced_with_the_row_s_id(settings):
    from django.tasks.signals import task_enqueued
    from django_tasks_db.models import DBTaskResult

    from zhengwu.core import sqlcache

    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    announced = []

    def receiver(sender, task_result, **kwargs):
        announced.append(task_result.args)

    task_enqueued.connect(receiver)
    try:
        with sqlcache.combined():
            message = _send()
            _enqueue(message.pk)  # an id of the same statement: a stand-in until it has run
            assert announced == []
    finally:
        task_enqueued.disconnect(receiver)
    assert announced == [[message.pk]]
    assert DBTaskResult.objects.get().args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert SmsMessage.objects.get().pk == message.pk


def test_the_announced_result_is_the_library_s(settings):
    """The result of an enqueue (its task kept per kind, ``core.tasks._new_result``) equals
    what ``DBTaskResult.task_result`` builds, field by field; the task is the same object
    from one enqueue to the next."""
    import dataclasses

    from django.tasks.signals import task_enqueued

    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    announced = []

    def receiver(sender, task_result, **kwargs):
        announced.append(task_result)

    task_enqueued.connect(receiver)
    try:
        _enqueue()
        _enqueue()
    finally:
        task_enqueued.disconnect(receiver)
    assert len(announced) == 2
    for result in announced:
        expected = result.db_result.task_result
        for field in dataclasses.fields(result):
            assert getattr(result, field.name) == getattr(expected, field.name), field.name
        assert result._return_value == expected._return_value
    assert announced[0].task is announced[1].task


def test_deferred_tasks_do_not_grow_the_kept_kinds(settings, monkeypatch):
    """A deferred task (an SMS retry) is a kind of its own per ``run_after``: past the bound
    its rows are built, and correct, without being kept."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from zhengwu.core import tasks
    from zhengwu.notifications.tasks import deliver_sms

    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    monkeypatch.setattr(tasks, "_KEPT_KINDS", 3)
    monkeypatch.setattr(tasks, "_result_tasks", {})
    monkeypatch.setattr(tasks, "_templates", {})
    start = timezone.now() + datetime.timedelta(minutes=1)
    for minutes in range(6):
        run_after = start + datetime.timedelta(minutes=minutes)
        result = deliver_sms.using(run_after=run_after).enqueue(100 + minutes)
        assert result.task.run_after == run_after
    assert len(tasks._result_tasks) == 3 and len(tasks._templates) == 3
    rows = DBTaskResult.objects.order_by("run_after")
    assert [r.args_kwargs["args"] for r in rows] == [[100 + m] for m in range(6)]
    assert [r.run_after for r in rows] == [start + datetime.timedelta(minutes=m) for m in range(6)]
