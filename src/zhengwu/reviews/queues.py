"""The back-office queues, generic over the kind of case (journey 6).

A queue is a ``Queue``: a key for the URL, a label, the statuses it can filter by, and a
function returning ``QueueItem`` rows sorted by working-day deadline. The manual channel
(REG-9) registers its queue below; the natural-person manual check (REG-11) and agent
registrations (REG-10) add theirs with ``register_queue`` and a case page of their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.registrations.manual_constants import ManualStatus
from zhengwu.registrations.models import ManualVerification


@dataclass(frozen=True)
class QueueItem:
    """One row of a queue page: enough to sort, mark overdue and open the case."""

    pk: int
    reference: str
    title: str
    kind_label: str
    status: str
    status_label: str
    submitted_at: datetime.datetime
    deadline_at: datetime.datetime
    is_overdue: bool
    url: str


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    statuses: Sequence[tuple[str, Any]]
    default_status: str
    items: Callable[[str], list[QueueItem]]


_queues: dict[str, Queue] = {}


def register_queue(queue: Queue) -> Queue:
    _queues[queue.key] = queue
    return queue


def queues() -> list[Queue]:
    return list(_queues.values())


def queue_get(key: str) -> Queue | None:
    return _queues.get(key)


def _manual_items(status: str) -> list[QueueItem]:
    """Manual verifications, earliest deadline first: one query whatever the length."""
    now = timezone.now()
    cases = ManualVerification.objects.only(
        "pk",
        "reference",
        "organisation_name",
        "applicant_kind",
        "status",
        "submitted_at",
        "deadline_at",
    ).order_by("deadline_at", "pk")
    if status:
        cases = cases.filter(status=status)
    return [
        QueueItem(
            pk=case.pk,
            reference=case.reference,
            title=case.organisation_name,
            kind_label=case.get_applicant_kind_display(),
            status=case.status,
            status_label=case.get_status_display(),
            submitted_at=case.submitted_at,
            deadline_at=case.deadline_at,
            is_overdue=case.status == ManualStatus.PENDING and case.deadline_at < now,
            url=reverse("reviews:manual_case", args=[case.pk]),
        )
        for case in cases
    ]


MANUAL_QUEUE = register_queue(
    Queue(
        key="manual",
        label=_("人工认证（法人）"),
        statuses=ManualStatus.choices,
        default_status=ManualStatus.PENDING,
        items=_manual_items,
    )
)
