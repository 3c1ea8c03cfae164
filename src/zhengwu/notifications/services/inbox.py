"""消息 (message centre): every SMS about an account is also a message in the portal.

``sms_send`` (the one place every SMS goes through) decides who gets the copy
(``inbox_scope``: no query, stored on the message); the worker that takes the message writes
the copies (``inbox_copy``) in the transaction of its claim, before it calls the gateway, on
the first attempt only (decision 0034): a rolled-back change leaves neither the SMS nor the
message, a message the gateway refuses still has its copy, and a retry makes no second one.
The recipients are the portal accounts (legal-person and natural-person, not staff) whose
mobile is the SMS's mobile, narrowed by what the SMS is about:

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


def inbox_scope(template_code: str, subject: Any) -> str:
    """Who gets the portal copy of an SMS ``template_code`` about ``subject`` (see the module
    text): ``""`` nobody, ``"all"``, ``"user:<id>"`` or ``"unit:<id>"``. No query."""
    from django.contrib.auth import get_user_model

    from zhengwu.accounts.models import Organisation

    if inbox_excluded(template_code):
        return ""
    if isinstance(subject, get_user_model()):
        return f"user:{subject.pk}"
    user_id = getattr(subject, "user_id", None)
    if user_id is not None:  # an application or registration with its account
        return f"user:{user_id}"
    if isinstance(subject, Organisation):
        return f"unit:{subject.pk}"
    organisation_id = getattr(subject, "organisation_id", None)
    if organisation_id is not None:
        return f"unit:{organisation_id}"
    return "all"


def _recipients(message: SmsMessage) -> tuple[CompiledQuery, dict[str, Any]] | None:
    """The query of the recipients' ids and its values; ``None``: no copy."""
    kind, _, pk = message.inbox_scope.partition(":")
    found: dict[str, Any] = {"mobile_hash": message.mobile_hash}
    if kind == "user":
        return _ONE_ACCOUNT, found | {"user_id": int(pk)}
    if kind == "unit":
        return _UNIT_ACCOUNTS, found | {"organisation_id": int(pk)}
    if kind == "all":
        return _ALL_ACCOUNTS, found
    return None


#: Per (database, recipients' query SQL): the ``INSERT … SELECT`` of the copies and the fields
#: of its own values (every column but the id and the account). Built once per process.
_copy_statements: dict[tuple[str, str], tuple[str, list[Any]]] = {}


def _copy_statement(using: str, select: str) -> tuple[str, list[Any]]:
    key = (using, select)
    statement = _copy_statements.get(key)
    if statement is None:
        meta = InboxMessage._meta
        user_field = meta.get_field("user")
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        others = [f for f in fields if f is not user_field]
        quote = connections[using].ops.quote_name
        sql = "INSERT INTO {} ({}) SELECT r.*, {} FROM ({}) r".format(
            quote(meta.db_table),
            ", ".join(quote(str(f.column)) for f in [user_field, *others]),
            ", ".join(["%s"] * len(others)),
            select,
        )
        statement = _copy_statements[key] = (sql, others)
    return statement


def inbox_copy(*, message: SmsMessage) -> int:
    """Write the portal copies of the outbox ``message`` (its ``inbox_scope``); return how
    many. Called by the worker that claims it (``outbox``), in the claim's transaction.

    Where the recipients' query compiles to SQL the copies are one ``INSERT … SELECT``;
    otherwise the ids are read first."""
    found = _recipients(message)
    if found is None:
        return 0
    query, values = found
    using = router.db_for_write(InboxMessage)
    connection = connections[using]
    select = query.sql(using, **values)
    if select is None:
        return len(
            InboxMessage.objects.bulk_create(
                [_copy(message, user_id) for (user_id,) in query.rows(using, **values)]
            )
        )
    sql, others = _copy_statement(using, select[0])
    template = _copy(message, None)
    # the copy's own values come first in the statement, then the recipients' query's
    params = [
        *(sqlcache.db_value(f, f.pre_save(template, True), connection) for f in others),
        *select[1],
    ]
    with transaction.mark_for_rollback_on_error(using), sqlcache.cursor(connection) as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


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
