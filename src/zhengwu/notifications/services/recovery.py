"""Clean-up after task workers that died: their django-tasks-db rows.

A worker killed mid-send (``kill -9``, OOM, a host lost) leaves two things behind: the outbox
message ``sending`` (``sms_retry_due`` takes the claim back after
``ZHENGWU_SMS_STALE_CLAIM_SECONDS`` and sends again; the gateway's idempotency key makes the
second send return the first delivery) and the task's ``DBTaskResult`` row ``RUNNING`` for
good, because only the dead worker could have finished it. ``sms_tasks_reap`` marks those rows
``FAILED`` with ``SmsWorkerLost`` as their exception, so that the task list shows what happened
and ``prune_db_task_results`` can prune them; the ``sms_retry`` command runs it.

Relayed messages (decision 0034) have no task row: a dead relay leaves only the ``sending``
message. The rows reaped here are those of other task backends' deployments and rows written
before that decision. Only the SMS tasks are reaped, and only after the stale-claim time: a
delivery task never runs longer than one gateway call, so a row ``RUNNING`` beyond that belongs
to a dead worker. Other apps' tasks may legitimately run for long.
"""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.tasks import TaskResultStatus
from django.utils import timezone

from zhengwu.notifications import conf

SMS_TASK_PATHS = (
    "zhengwu.notifications.tasks.deliver_sms",
    "zhengwu.notifications.tasks.retry_due_sms",
)
LOST_EXCEPTION = "zhengwu.notifications.errors.SmsWorkerLost"
LOST_TRACEBACK = (
    "The task worker died while running this task (still RUNNING after "
    "ZHENGWU_SMS_STALE_CLAIM_SECONDS). Its message was taken back by sms_retry and sent "
    "under the same idempotency key; see the message's delivery attempts."
)


def sms_tasks_reap(*, now: datetime | None = None) -> int:
    """Mark ``FAILED`` the SMS task rows left ``RUNNING`` by dead workers; return how many.

    Nothing to do (0) when the task backend is not django-tasks-db."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path__in=SMS_TASK_PATHS,
        started_at__lt=now - conf.stale_claim_after(),
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=LOST_EXCEPTION,
        traceback=LOST_TRACEBACK,
        return_value=None,
    )
