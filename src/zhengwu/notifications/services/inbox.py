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

from django.db.models import QuerySet
from django.utils import timezone

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


def _recipients(message: SmsMessage, subject: Any) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    from zhengwu.accounts.models import Organisation

    User = get_user_model()
    users = User.objects.filter(mobile_hash=message.mobile_hash, kind__in=PORTAL_KINDS)
    if isinstance(subject, User):
        return users.filter(pk=subject.pk)
    user_id = getattr(subject, "user_id", None)
    if user_id is not None:  # an application or registration with its account
        return users.filter(pk=user_id)
    if isinstance(subject, Organisation):
        return users.filter(memberships__organisation=subject).distinct()
    organisation_id = getattr(subject, "organisation_id", None)
    if organisation_id is not None:
        return users.filter(memberships__organisation_id=organisation_id).distinct()
    return users


def inbox_copy(*, message: SmsMessage, subject: Any = None) -> list[InboxMessage]:
    """The portal copies of the outbox ``message`` (none for codes and one-time links)."""
    if inbox_excluded(message.template_code):
        return []
    user_ids = list(_recipients(message, subject).values_list("pk", flat=True))
    return InboxMessage.objects.bulk_create(
        [
            InboxMessage(
                user_id=user_id,
                sms=message,
                template_code=message.template_code,
                text=message.text,
                created_at=message.created_at,
            )
            for user_id in user_ids
        ]
    )


def inbox_mark_read(*, user: Any, pk: int | None = None) -> int:
    """Mark the owner's message ``pk`` read (all unread ones when ``pk`` is ``None``);
    returns how many changed. Another account's message is never touched."""
    rows = InboxMessage.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
