"""Read side of the message centre (消息)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhengwu.notifications.models import InboxMessage


def inbox_of(*, user: Any) -> QuerySet[InboxMessage]:
    """The account's messages, newest first."""
    return InboxMessage.objects.filter(user=user).order_by("-created_at", "-id")


def inbox_unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
