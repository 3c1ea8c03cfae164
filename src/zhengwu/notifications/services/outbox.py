"""The SMS outbox (NTF-1): queue a message, deliver it after commit, retry, give up.

``sms_send`` writes an ``SmsMessage`` inside the caller's transaction: a rolled-back change
sends nothing, and the network is never called while a transaction is open. How the message
leaves (decision 0034):

- **Relayed** (the database task backend on the outbox's database: production and the
  embedded default). The outbox row is the queue, as in healthchecks: nothing else is written
  for it. ``sms_relay``, run by every ``manage.py db_worker`` beside its task rows
  (``zhengwu.core`` worker, ``ZHENGWU_WORKER_RELAYS``), claims the first due message with one
  conditional update (``FOR UPDATE SKIP LOCKED`` where the database has it), sends it and
  records the attempt; several workers claim different messages.
- **Enqueued** (any other backend: ``ImmediateBackend`` in the tests, a queue on another
  server): the task ``deliver_sms`` is enqueued after commit and calls ``sms_deliver``.

``sms_deliver`` claims one message by id with the same conditional
``UPDATE ... WHERE status = 'queued'``, calls the gateway outside any transaction, then
records the ``SmsAttempt`` and the new status in one short transaction.

Why conditional updates and not ``zhengwu.core.workflow.transition``: the claim is a race that
losing is normal (another worker got the row; the answer is "do nothing"), which
``transition`` would turn into an ``IllegalTransition`` after waiting on a row lock; and every
retry would write a ``Transition`` row and an audit event per attempt. Here the history of a
message is its ``SmsAttempt`` rows (one per gateway call, with the error), audit events mark
only the outcomes (queued, sent, failed), and ``_move`` still refuses any move that
``SmsMessage.TRANSITIONS`` does not allow.

Retries: a transient ``SmsError`` puts the message back to ``queued`` with ``next_attempt_at``
= now + base × 2^(attempt-1) (30 s, 1 min, 2 min, 4 min, 8 min, capped at 1 h), until
``1 + ZHENGWU_SMS_MAX_RETRIES`` attempts; a permanent error fails it at once. The relay takes
a retry when it is due; enqueued, it is a task with ``run_after`` when the backend can defer.
As a safety net for lost tasks and dead workers, ``sms_retry_due`` (the ``sms_retry``
command, run every minute) delivers whatever is due.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import router, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core import sqlcache
from zhengwu.core.context import current_request
from zhengwu.integrations.loading import get_provider
from zhengwu.integrations.sms.base import SmsError, SmsGateway, SmsReceipt, SmsRequest
from zhengwu.notifications import conf, constants
from zhengwu.notifications.models import SmsAttempt, SmsMessage
from zhengwu.notifications.templates import get_template

from ._common import actor_label, mobile_hash, subject_ref, validate_mobile
from .inbox import inbox_copy, inbox_scope

logger = logging.getLogger(__name__)
Status = SmsMessage.Status


def sms_send(
    *,
    mobile: str,
    template: str,
    params: dict[str, Any],
    actor: Any = None,
    subject: Any = None,
    expires_at: datetime | None = None,
) -> SmsMessage:
    """Queue the SMS ``template`` rendered with ``params`` for ``mobile``; deliver after commit.

    Validates the mobile (``ValidationFailed`` on ``mobile``) and the parameters
    (``TemplateParamMissing`` / ``TemplateParamUnexpected`` naming the parameter) before
    writing anything. ``subject`` (a model instance or a ``(type, id)`` pair) links the
    message to what it is about; ``expires_at`` stops a late delivery (verification codes).
    Call it inside the transaction of the change the SMS announces.
    """
    number = validate_mobile(mobile)
    text = get_template(template).render(params)
    subject_type, subject_id = subject_ref(subject)
    using = router.db_for_write(SmsMessage)
    # No savepoint inside the caller's transaction: everything that can refuse the message
    # (mobile, template, parameters) is checked above, before anything is written.
    with sqlcache.atomic(using):
        message = sqlcache.insert(
            SmsMessage(
                mobile=number,
                mobile_hash=mobile_hash(number),
                template_code=template,
                text=text,
                expires_at=expires_at,
                subject_type=subject_type,
                subject_id=subject_id,
                actor_label=actor_label(actor),
                request_id=_request_id(),
                inbox_scope=inbox_scope(template, subject),
            ),
            using=using,
        )
        # No audit event of its own (decision 0035): the row is the record of the queued
        # message, and the request's events (the change it announces) carry its request id.
        # 消息, the portal copy, is written by the worker that takes the message (inbox_scope)
        _enqueue_on_commit(message)
    return message


def _request_id() -> str:
    request = current_request()
    return getattr(request, "request_id", "") if request is not None else ""


def _relayed() -> bool:
    """Whether the worker's relay delivers the outbox (``sms_relay``): the task backend is
    django-tasks-db's on the outbox's database, so the workers that run its rows read this
    table too. Then no task is enqueued for a message."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from zhengwu.notifications.tasks import deliver_sms

    if not isinstance(deliver_sms.get_backend(), DatabaseBackend):
        return False
    return router.db_for_write(DBTaskResult) == router.db_for_write(SmsMessage)


def _enqueue_on_commit(message: SmsMessage, *, run_after: datetime | None = None) -> None:
    """Have ``message`` delivered once the current transaction commits (or at ``run_after``).

    Relayed, there is nothing to do: the committed row is in the relay's queue, and a retry
    is due at its ``next_attempt_at``. Before decision 0034 a task row was written here, in
    the transaction: a seventh of the CPU of 提交 (docs/performance.md). Otherwise the task is
    enqueued after commit (``ImmediateBackend`` runs it at once); ``robust``: a failing
    enqueue must not break the committed request: the message stays queued and
    ``sms_retry_due`` delivers it.
    """
    if _relayed():
        return
    using = router.db_for_write(SmsMessage)
    sqlcache.on_commit(lambda: _enqueue(message.pk, run_after=run_after), using, robust=True)


def _enqueue(message_id: int, *, run_after: datetime | None = None) -> None:
    from zhengwu.notifications.tasks import deliver_sms

    task = deliver_sms
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # ImmediateBackend and friends: sms_retry_due picks it up when due
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


def _move(
    message_id: int, *, source: str, target: str, extra: Q | None = None, **changes: Any
) -> bool:
    """Conditional status change ``source`` → ``target``; ``False`` if the row moved on."""
    if target not in SmsMessage.TRANSITIONS[source]:
        raise ValueError(f"SmsMessage cannot move from {source} to {target}")
    qs = SmsMessage.objects.filter(pk=message_id, status=source)
    if extra is not None:
        qs = qs.filter(extra)
    return qs.update(status=target, **changes) == 1


def backoff(attempt: int) -> timedelta:
    """Delay after failed attempt number ``attempt`` (1-based): base × 2^(attempt-1), capped."""
    delay = conf.retry_base_delay() * (2 ** max(0, attempt - 1))
    return min(delay, conf.retry_max_delay())


def _audit_outcome(message: SmsMessage, event: str, **after: Any) -> None:
    record_event(
        event,
        actor="system",
        subject=message,
        outcome=AuditEvent.Outcome.SUCCESS
        if event == constants.SMS_SENT
        else AuditEvent.Outcome.FAILURE,
        after={"mobile": message.masked_mobile, "template": message.template_code, **after},
    )


def _due(now: datetime) -> Q:
    """Queued, and not waiting for a retry's time."""
    return Q(status=Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def sms_deliver(*, message_id: int) -> SmsMessage | None:
    """Deliver one queued message once: claim, call the gateway, record the attempt.

    Must run outside any transaction (the gateway call may block; the recording uses a
    durable transaction). Returns the message as it ends up, or ``None`` if it does not
    exist. A message that is not ``queued``, or not yet due, is left alone: two workers given
    the same message send it once.
    """
    now = timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic(router.db_for_write(SmsMessage)):
        claimed = _move(
            message_id,
            source=Status.QUEUED,
            target=Status.SENDING,
            extra=_due(now),
            claimed_at=now,
            claim_token=token,
        )
        message = SmsMessage.objects.filter(pk=message_id).first()
        if not claimed or message is None:
            return message
        _portal_copy(message)
    return _deliver_claimed(message, token, now)


def _portal_copy(message: SmsMessage) -> None:
    """消息: the portal copies, made by the first claim of the message (in its transaction:
    a claim taken back after a crash counts its attempt, so no claim makes them twice).

    A copy that cannot be written (a bug, a row the scope names that is gone) must not hold
    the SMS back, nor, as the first due row, every message behind it: its savepoint rolls
    back, the failure is logged and audited (``sms.copy_failed``), and the SMS goes out."""
    if message.attempts != 0 or not message.inbox_scope:
        return
    try:
        with transaction.atomic(router.db_for_write(SmsMessage)):
            inbox_copy(message=message)
    except Exception as exc:
        logger.exception("The portal copy of SMS message %s could not be written", message.pk)
        record_event(
            constants.SMS_COPY_FAILED,
            actor="system",
            subject=("notifications.smsmessage", message.pk),
            outcome=AuditEvent.Outcome.FAILURE,
            after={"error": type(exc).__name__, "scope": message.inbox_scope},
        )


def _claimable(now: datetime) -> QuerySet[SmsMessage, int]:
    """The ids of the due messages in the order of the due index (status, next_attempt_at):
    due retries, then new messages. ``ORDER BY id`` let PostgreSQL walk the primary key through
    every sent row when it believed many were queued (after a burst): 6 ms → 0.06 ms a claim
    on 630,000 messages."""
    return (
        SmsMessage.objects.filter(_due(now))
        .order_by(F("next_attempt_at").asc(nulls_last=True))
        .values_list("pk", flat=True)
    )


def sms_relay(*, limit: int = 20, owner: str = "") -> int:
    """The outbox relay: deliver up to ``limit`` due messages, due retries first, then new
    messages; return how many were claimed (0: the queue is empty, the caller may wait).

    Each message is claimed on its own, just before it is sent, with one conditional update
    of the first due row that no other relay holds (``FOR UPDATE SKIP LOCKED`` on
    PostgreSQL; elsewhere a lost race is a claim that fails, and the next row is tried). A
    claim never waits behind a slow gateway call of the same batch, so it cannot go stale
    while the relay is alive. Claims of dead relays are taken back first
    (``ZHENGWU_SMS_STALE_CLAIM_SECONDS``). ``owner`` (a worker id) starts the claim token, so
    that the operator, and a test, can tell which worker holds a message.
    """
    now = timezone.now()
    _requeue_stale(now, limit)
    prefix = f"{owner[:15]}:" if owner else ""
    claimed = 0
    while claimed < limit:
        now = timezone.now()
        token = prefix + secrets.token_hex(8)
        using = router.db_for_write(SmsMessage)
        with transaction.atomic(using):
            pk = _claimable(now).select_for_update(skip_locked=True).first()
            if pk is None:
                return claimed
            won = _move(
                pk, source=Status.QUEUED, target=Status.SENDING, claimed_at=now, claim_token=token
            )
            message = SmsMessage.objects.filter(pk=pk).first() if won else None
            if message is not None:
                _portal_copy(message)
        if not won:  # another relay took it between the read and the claim (no row locks)
            continue
        claimed += 1
        if message is not None:
            _deliver_claimed(message, token, now)
    return claimed


def _deliver_claimed(message: SmsMessage, token: str, now: datetime) -> SmsMessage:
    """Send ``message``, claimed with ``token`` at ``now``, and record the attempt."""
    mine = Q(claim_token=token)

    if message.expires_at is not None and message.expires_at <= now:
        with transaction.atomic(durable=True):
            if _move(
                message.pk,
                source=Status.SENDING,
                target=Status.EXPIRED,
                extra=mine,
                failed_at=now,
                last_error="已过有效期，不再发送",
            ):
                _audit_outcome(message, constants.SMS_EXPIRED, error="expired")
        message.refresh_from_db()
        return message

    number = message.attempts + 1
    started = timezone.now()
    receipt: SmsReceipt | None = None
    error: SmsError | None = None
    try:
        gateway: SmsGateway = get_provider("ZHENGWU_SMS_BACKEND")
        receipt = gateway.send(
            SmsRequest(
                mobile=message.mobile,
                text=message.text,
                reference=f"sms-{message.pk}",
                template_code=message.template_code,
            )
        )
    except SmsError as exc:
        error = exc
    except Exception as exc:  # a bug or an unmapped vendor failure: retry, keep the class
        logger.exception("SMS gateway raised an unexpected error for message %s", message.pk)
        error = SmsError(
            f"网关异常：{type(exc).__name__}", permanent=False, provider_code="EXCEPTION"
        )
    finished = timezone.now()

    with transaction.atomic(durable=True):
        SmsAttempt.objects.create(
            message=message,
            number=number,
            started_at=started,
            finished_at=finished,
            is_success=error is None,
            is_permanent=bool(error and error.permanent),
            error=(error.message if error else "")[:200],
            provider_code=(error.provider_code if error else "")[:64],
            provider_message_id=(receipt.provider_message_id if receipt else "")[:64],
        )
        if receipt is not None:
            moved = _move(
                message.pk,
                source=Status.SENDING,
                target=Status.SENT,
                extra=mine,
                attempts=number,
                sent_at=finished,
                last_error="",
                provider_message_id=receipt.provider_message_id[:64],
            )
            if moved:
                _audit_outcome(message, constants.SMS_SENT, attempts=number)
        elif error is not None and (error.permanent or number > conf.max_retries()):
            moved = _move(
                message.pk,
                source=Status.SENDING,
                target=Status.FAILED,
                extra=mine,
                attempts=number,
                failed_at=finished,
                last_error=error.message[:200],
            )
            if moved:
                _audit_outcome(
                    message,
                    constants.SMS_FAILED,
                    attempts=number,
                    error=error.provider_code or error.code,
                    permanent=error.permanent,
                )
        elif error is not None:
            retry_at = finished + backoff(number)
            moved = _move(
                message.pk,
                source=Status.SENDING,
                target=Status.QUEUED,
                extra=mine,
                attempts=number,
                next_attempt_at=retry_at,
                last_error=error.message[:200],
            )
            if moved:
                _enqueue_on_commit(message, run_after=retry_at)
        if not moved:
            # sms_retry_due took the claim back meanwhile: the attempt row stands, the
            # status belongs to whoever holds the message now.
            logger.warning("SMS message %s changed while it was being sent", message.pk)
    message.refresh_from_db()
    return message


def sms_retry_due(*, limit: int = 100) -> int:
    """Deliver the messages that are due; return how many were tried.

    Due are: ``queued`` messages whose ``next_attempt_at`` has passed (retries), ``queued``
    messages without one that are older than ``ZHENGWU_SMS_LOST_ENQUEUE_SECONDS`` (their
    task was lost), and ``sending`` messages claimed longer than
    ``ZHENGWU_SMS_STALE_CLAIM_SECONDS`` ago (the worker died mid-send): those count the lost
    attempt and go back to the queue, or fail if no retry is left. The gateway's idempotency
    reference keeps a vendor from delivering a message twice when the lost attempt did go out.
    """
    now = timezone.now()
    _requeue_stale(now, limit)
    due = (
        SmsMessage.objects.filter(status=Status.QUEUED)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - conf.lost_enqueue_after())
        )
        .order_by(F("next_attempt_at").asc(nulls_last=True))  # the due index, as _claimable
        .values_list("pk", flat=True)[:limit]
    )
    tried = 0
    for pk in list(due):
        sms_deliver(message_id=pk)
        tried += 1
    return tried


def _requeue_stale(now: datetime, limit: int) -> None:
    """Take back the claims of workers that died mid-send: each counts the lost attempt and
    goes back to the queue, or fails if no retry is left."""
    stale = SmsMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - conf.stale_claim_after()
    ).values_list("pk", "claim_token", "attempts")[:limit]
    for pk, token, attempts in list(stale):
        lost = "发送中断（处理进程异常退出）"
        if attempts + 1 > conf.max_retries():
            moved = _move(
                pk,
                source=Status.SENDING,
                target=Status.FAILED,
                extra=Q(claim_token=token),
                attempts=F("attempts") + 1,
                failed_at=now,
                last_error=lost,
            )
        else:
            moved = _move(
                pk,
                source=Status.SENDING,
                target=Status.QUEUED,
                extra=Q(claim_token=token),
                attempts=F("attempts") + 1,
                next_attempt_at=now,
                last_error=lost,
            )
        if moved:
            record_event(
                constants.SMS_REQUEUED_STALE,
                actor="system",
                subject=("notifications.smsmessage", pk),
                outcome=AuditEvent.Outcome.FAILURE,
            )
