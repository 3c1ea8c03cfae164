"""Writing audit events: ``record_event`` is the one entry point.

Two kinds of events:

* ordinary events (a review decision, a data change) are written on the caller's connection,
  inside its transaction: they exist exactly when the change they describe exists;
* durable events (``durable=True``: a failed sign-in, a refused request) must survive the
  rollback of the transaction they happen in. On PostgreSQL they are written at once on a
  second connection (alias ``audit``) in autocommit mode. SQLite allows one writer, and the
  caller's open transaction holds the lock, so there they are kept in a per-thread queue
  and written when the request ends (``RequestIdMiddleware``) or when ``flush_pending()`` is
  called: the write happens after the rollback, never inside it.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import connections, router

from zhengwu.core import sqlcache
from zhengwu.core.context import client_ip, current_request

from .models import AuditEvent

_pending = threading.local()
DURABLE_ALIAS = "audit"


def _durable_alias() -> str:
    return DURABLE_ALIAS if DURABLE_ALIAS in settings.DATABASES else "default"


def _in_transaction(connection: Any) -> bool:
    """True inside a real atomic block (the test case's wrapping block does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _subject(subject: Any) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    meta = getattr(subject, "_meta", None)
    if meta is not None:
        return meta.label_lower, str(subject.pk)
    return type(subject).__name__, str(subject)


def _organisation(organisation: Any, subject: Any) -> int | None:
    """The organisation's id: given (instance or id), else the subject's when it is an
    organisation or belongs to one (``organisation_id``), else ``None``."""
    if organisation is not None:
        value = getattr(organisation, "pk", organisation)
        return int(value) if value is not None else None
    meta = getattr(subject, "_meta", None)
    if meta is None:
        return None
    if meta.label_lower == "accounts.organisation":
        return int(subject.pk) if subject.pk is not None else None
    value = getattr(subject, "organisation_id", None)
    return value if isinstance(value, int) else None


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", True):
        return None, ""
    if isinstance(actor, str):
        return None, actor[:150]
    return getattr(actor, "pk", None), str(getattr(actor, "get_username", lambda: actor)())[:150]


def record_event(
    event_type: str,
    *,
    actor: Any = None,
    subject: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    durable: bool = False,
    relaxed: bool = False,
    request: Any = None,
    organisation: Any = None,
) -> AuditEvent:
    """Append one audit event.

    ``actor`` is a user, a label (``"system"``, ``"registry_import"``) or ``None``;
    ``subject`` a model instance or a ``(type, id)`` pair. ``before``/``after`` must not hold
    clear-text personal data: pass masked values or the names of the changed fields.
    ``organisation`` (instance or id) is the organisation the event concerns; when omitted it
    is taken from the subject (an organisation, or anything with ``organisation_id``).

    ``relaxed=True`` is for the event of a request that changes nothing else (a register
    lookup, a public page view; decision 0028): on PostgreSQL, when the event is written in
    its own one-statement transaction, that transaction commits without waiting for its WAL
    flush (``synchronous_commit`` off for it alone). A PostgreSQL crash within about 0.6 s can
    then lose the event, never corrupt anything. Inside a transaction it is ignored (the
    caller's commit decides), and it is never for a security event, a decision or a change.
    """
    request = request or current_request()
    subject_type, subject_id = _subject(subject)
    actor_id, actor_label = _actor(actor)
    if actor is None and request is not None:
        actor_id, actor_label = _actor(getattr(request, "user", None))
    event = AuditEvent(
        event_type=event_type,
        outcome=outcome,
        actor_id=actor_id,
        actor_label=actor_label,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=_organisation(organisation, subject),
        before=before,
        after=after,
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )
    if not durable:
        _insert(event, router.db_for_write(AuditEvent), relaxed=relaxed)
        return event
    default = connections["default"]
    if not _in_transaction(default):
        _insert(event, "default")
    elif default.vendor == "postgresql" and _durable_alias() != "default":
        _insert(event, _durable_alias())
    else:
        queue = getattr(_pending, "events", None)
        if queue is None:
            queue = _pending.events = []
        queue.append(event)
    return event


# The INSERT of one event, built once per (database alias, relaxed): (sql, fields, returns the id).
_insert_statements: dict[tuple[str, bool], tuple[str, list[Any], bool]] = {}
# Appended to the relaxed INSERT: PostgreSQL reads ``synchronous_commit`` when the statement's
# own transaction commits, after RETURNING ran; ``true`` keeps the setting to that transaction.
_RELAXED_COMMIT = "set_config('synchronous_commit', 'off', true)"


def _relaxable(connection: Any) -> bool:
    """True when an INSERT on ``connection`` is its own transaction on PostgreSQL."""
    return (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and not _in_transaction(connection)
    )


def _insert(event: AuditEvent, using: str, *, relaxed: bool = False) -> None:
    """Write ``event`` as ``event.save(using=using)`` would, with a statement built once.

    Every request that changes something writes an event, and the ORM compiles its INSERT
    anew each time: on step 1 of the registration that compilation cost more than the
    database round trip (docs/performance.md). The values still go through each field's
    ``get_db_prep_save`` (JSON, dates, addresses), and the append-only trigger still applies.
    """
    connection = connections[using]
    batch = sqlcache.combining(using)
    if batch is not None:  # a part of the block's one statement (``core.sqlcache.combined``)
        relaxed = False
    relaxed = relaxed and _relaxable(connection)
    statement = _insert_statements.get((using, relaxed))
    if statement is None:
        fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
        pk = AuditEvent._meta.pk
        assert pk is not None
        quote = connection.ops.quote_name
        returning = bool(connection.features.can_return_columns_from_insert)
        sql = "INSERT INTO {} ({}) VALUES ({}){}{}".format(
            quote(AuditEvent._meta.db_table),
            ", ".join(quote(str(f.column)) for f in fields),
            ", ".join(["%s"] * len(fields)),
            f" RETURNING {quote(str(pk.column))}" if returning else "",
            f", {_RELAXED_COMMIT}" if relaxed else "",
        )
        statement = _insert_statements[using, relaxed] = (sql, fields, returning)
    sql, fields, returning = statement
    params = [sqlcache.db_value(f, getattr(event, f.attname), connection) for f in fields]
    if batch is not None:
        pk_column = str(AuditEvent._meta.pk.column)  # type: ignore[union-attr]
        columns = [str(f.column) for f in fields]
        batch.insert_row(AuditEvent._meta.db_table, columns, params, event, pk_column, False)
        return
    # bound on the server and prepared once per connection on PostgreSQL (core.sqlcache)
    with sqlcache.cursor(connection) as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    event._state.adding = False
    event._state.db = using


def flush_pending() -> int:
    """Write durable events deferred on SQLite. Called at the end of every request."""
    queue = getattr(_pending, "events", None)
    if not queue or _in_transaction(connections["default"]):
        return 0
    _pending.events = []
    AuditEvent.objects.bulk_create(queue)
    return len(queue)
