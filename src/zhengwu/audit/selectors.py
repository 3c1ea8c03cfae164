"""Reads of the audit log for the 安全审计员 back office (ACC-8).

Built for a big table: every filter is served by an index ending in ``created_at``
(``event_type``, ``actor_id``, ``organisation_id``; migration 0003), pages are cut with a
keyset on ``(created_at, id)`` instead of OFFSET, and nothing counts the matching rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhengwu.core.parsing import id_from_text

from .models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """The back office's filters, as typed (blank = no filter)."""

    actor: str = ""
    organisation: str = ""
    event_type: str = ""
    outcome: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    unknown: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        """The filters that are set (for the export's audit event and the links)."""
        values = {
            "actor": self.actor,
            "organisation": self.organisation,
            "event_type": self.event_type,
            "outcome": self.outcome,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _organisation_ids(value: str) -> list[int]:
    """An organisation typed as its id or its USCC (audit imports no subsystem: the model is
    looked up by name)."""
    value = value.strip().upper()
    if (pk := id_from_text(value)) is not None and len(value) < 18:
        return [pk]
    organisation = apps.get_model("accounts", "Organisation")
    return list(organisation.objects.filter(uscc=value).values_list("pk", flat=True))


def audit_events(filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The events matching ``filters``, newest first."""
    qs = AuditEvent.objects.all()
    if filters.event_type:
        value = filters.event_type.strip()
        qs = (
            qs.filter(event_type__startswith=value[:-1])
            if value.endswith("*")
            else qs.filter(event_type=value)
        )
    if filters.actor:
        user = get_user_model().objects.filter(username=filters.actor.strip()).first()
        qs = (
            qs.filter(actor_id=user.pk)
            if user is not None
            else qs.filter(actor_label=filters.actor.strip())  # "system", "registry_import"
        )
    if filters.organisation:
        qs = qs.filter(organisation_id__in=_organisation_ids(filters.organisation))
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def cursor_of(event: AuditEvent) -> str:
    return f"{event.created_at.isoformat()}_{event.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    try:
        at, pk = cursor.rsplit("_", 1)
        return datetime.datetime.fromisoformat(at), int(pk)
    except ValueError:
        return None


def audit_page(filters: AuditFilter, *, after: str = "") -> tuple[list[AuditEvent], str]:
    """One page of events older than the cursor ``after``, and the next page's cursor ("" at
    the end). Keyset paging: the database reads one page, however deep."""
    qs = audit_events(filters)
    parsed = _parse_cursor(after) if after else None
    if parsed is not None:
        at, pk = parsed
        # The redundant ``created_at <= at`` lets the index range start at the cursor; the OR
        # alone would be a filter applied while scanning from the newest row.
        qs = qs.filter(created_at__lte=at).filter(
            Q(created_at__lt=at) | Q(created_at=at, id__lt=pk)
        )
    rows = list(qs[: PAGE_SIZE + 1])
    if len(rows) > PAGE_SIZE:
        return rows[:PAGE_SIZE], cursor_of(rows[PAGE_SIZE - 1])
    return rows, ""


def audit_rows(filters: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, streamed in chunks (CSV export)."""
    yield from audit_events(filters).iterator(chunk_size=2000)
