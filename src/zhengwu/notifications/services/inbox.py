"""消息 (message centre): every SMS about an account is also a message in the portal.

``inbox_copy`` is called by ``sms_send`` (the one place every SMS goes through), inside the
caller's transaction: a rolled-back change leaves neither the SMS nor the message. The
recipients are the portal accounts (legal-person and natural-person, not staff) whose mobile
is the SMS's mobile, narrowed by what the SMS is about:

- a ``User`` subject, or a subject with a ``user_id`` (an application with its account): that
  account only (if the mobile is its own);
- an ``Organisation`` subject, or a subject with an ``organisation_id``: the accounts of that
  organisation with that mobile (the same person may hold accounts in several units);
- anything else: every portal account with that mobile.

Verification codes and one-time links (``{link}``: the legal representative's signature link,
an operator's activation link) stay on the phone: a code or a capability shown in a web page
outlives the SMS and could be read over a shoulder.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.core import sqlcache
from zhengwu.core.sqlcache import CompiledQuery
from zhengwu.notifications.models import InboxMessage, SmsMessage
from zhengwu.notifications.templates import get_template

#: Template codes with this prefix are never copied to the portal.
CODE_PREFIX = "verification_code."
PORTAL_KINDS = ("legal_person", "natural_person")


def inbox_excluded(template_code: str) -> bool:
    """Whether the SMS ``template_code`` stays on the phone only (codes, one-time links)."""
    if template_code.startswith(CODE_PREFIX):
        return True
    return "link" in get_template(template_code).placeholders


def _portal_users(mobile_hash: str) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(mobile_hash=mobile_hash, kind__in=PORTAL_KINDS)


# The recipients' ids, by what the SMS is about (SQL compiled once, ``core.sqlcache``).
_ONE_ACCOUNT = CompiledQuery(
    lambda mobile_hash, user_id: _portal_users(mobile_hash).filter(pk=user_id).values_list("pk"),
    mobile_hash=str,
    user_id=int,
)
_UNIT_ACCOUNTS = CompiledQuery(
    lambda mobile_hash, organisation_id: (
        _portal_users(mobile_hash)
        .filter(memberships__organisation_id=organisation_id)
        .distinct()
        .values_list("pk")
    ),
    mobile_hash=str,
    organisation_id=int,
)
_ALL_ACCOUNTS = CompiledQuery(
    lambda mobile_hash: _portal_users(mobile_hash).values_list("pk"), mobile_hash=str
)


def _recipients(message: SmsMessage, subject: Any) -> tuple[CompiledQuery, dict[str, Any]]:
    """The query of the recipients' ids and its values."""
    from django.contrib.auth import get_user_model

    from zhengwu.accounts.models import Organisation

    found: dict[str, Any] = {"mobile_hash": message.mobile_hash}
    if isinstance(subject, get_user_model()):
        return _ONE_ACCOUNT, found | {"user_id": subject.pk}
    user_id = getattr(subject, "user_id", None)
    if user_id is not None:  # an application or registration with its account
        return _ONE_ACCOUNT, found | {"user_id": user_id}
    if isinstance(subject, Organisation):
        return _UNIT_ACCOUNTS, found | {"organisation_id": subject.pk}
    organisation_id = getattr(subject, "organisation_id", None)
    if organisation_id is not None:
        return _UNIT_ACCOUNTS, found | {"organisation_id": organisation_id}
    return _ALL_ACCOUNTS, found


#: Per (database, recipients' query SQL): the ``INSERT … SELECT`` of the copies, the fields of
#: its own values (every column but the id and the account) and the returned columns. Built
#: once per process: assembling it was a tenth of an SMS's Python (docs/performance.md).
_copy_statements: dict[tuple[str, str], tuple[str, list[Any], list[str]]] = {}


def _copy_statement(using: str, select: str) -> tuple[str, list[Any], list[str]]:
    key = (using, select)
    statement = _copy_statements.get(key)
    if statement is None:
        meta = InboxMessage._meta
        user_field = meta.get_field("user")
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        others = [f for f in fields if f is not user_field]
        quote = connections[using].ops.quote_name
        sql = "INSERT INTO {} ({}) SELECT r.*, {} FROM {{sources}}({}) r".format(
            quote(meta.db_table),
            ", ".join(quote(str(f.column)) for f in [user_field, *others]),
            ", ".join(["%s"] * len(others)),
            select,
        )
        returning = [quote(str(meta.pk.column)), quote(str(user_field.column))]  # type: ignore[union-attr,attr-defined]
        statement = _copy_statements[key] = (sql, others, returning)
    return statement


def inbox_copy(
    *, message: SmsMessage, subject: Any = None, copies: bool = True
) -> list[InboxMessage]:
    """The portal copies of the outbox ``message`` (none for codes and one-time links).

    Where the database returns rows from an INSERT, the recipients are read and the copies
    written by one ``INSERT … SELECT``; elsewhere the ids are read first. ``copies=False``:
    the caller does not use the returned list (``sms_send``), and on that path it stays
    empty instead of holding an instance per copy."""
    if inbox_excluded(message.template_code):
        return []
    query, values = _recipients(message, subject)
    using = router.db_for_write(InboxMessage)
    connection = connections[using]
    select = query.sql(using, **values)
    if select is None or not connection.features.can_return_columns_from_insert:
        return InboxMessage.objects.bulk_create(
            [_copy(message, user_id) for (user_id,) in query.rows(using, **values)]
        )
    sql, others, returning = _copy_statement(using, select[0])
    template = _copy(message, None)
    # the copy's own values come first in the statement, then the recipients' query's
    params = [
        *(sqlcache.db_value(f, f.pre_save(template, True), connection) for f in others),
        *select[1],
    ]
    made_copies: list[InboxMessage] = []

    def made(rows: list[tuple[Any, Any]]) -> None:
        for pk, user_id in rows:
            copy = _copy(message, user_id)
            copy.pk = pk
            copy._state.adding, copy._state.db = False, using
            made_copies.append(copy)

    batch = sqlcache.combining(using)
    if batch is not None:  # a part of the block's one statement: the copies once it has run
        if copies:
            batch.add(sql, params, returning=returning, many=True, on_done=made)
        else:
            batch.add(sql, params)
        return made_copies
    sql = sql.replace("{sources}", "") + f" RETURNING {', '.join(returning)}"
    with transaction.mark_for_rollback_on_error(using), sqlcache.cursor(connection) as cursor:
        cursor.execute(sql, params)
        if copies:
            made(cursor.fetchall())
    return made_copies


def _copy(message: SmsMessage, user_id: Any) -> InboxMessage:
    return InboxMessage(
        user_id=user_id,
        sms=message,
        template_code=message.template_code,
        text=message.text,
        created_at=message.created_at,
    )


def inbox_mark_read(*, user: Any, pk: int | None = None) -> int:
    """Mark the owner's message ``pk`` read (all unread ones when ``pk`` is ``None``);
    returns how many changed. Another account's message is never touched."""
    rows = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
