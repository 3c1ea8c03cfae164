"""The back-office queues, generic over the kind of case (journey 6).

A queue is a ``Queue``: a key for the URL, a label, the statuses it can filter by, and a
function returning ``QueueItem`` rows sorted by working-day deadline. The manual channel
(REG-9), the natural-person manual check (REG-11, 个人实名人工审核) and agent registrations
(REG-10, 代理注册) plug theirs in: each channel's ``registrations.<channel>.reviews.register``,
called from ``RegistrationsConfig.ready``, registers its queue here; each has a case page of
its own. This module knows no kind of case.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


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


#: Default column headers of a queue page (a queue of persons names its own).
ORGANISATION_NAME = _("单位名称")
APPLICANT_KIND = _("申请类型")


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    statuses: Sequence[tuple[str, Any]]
    default_status: str
    items: Callable[[str], list[QueueItem]]
    title_label: Any = ORGANISATION_NAME
    kind_header: Any = APPLICANT_KIND


_queues: dict[str, Queue] = {}


def register_queue(queue: Queue) -> Queue:
    _queues[queue.key] = queue
    return queue


def queues() -> list[Queue]:
    return list(_queues.values())


def queue_get(key: str) -> Queue | None:
    return _queues.get(key)


#: What a queue row of a unit's case (manual verification, agent registration) reads.
UNIT_CASE_FIELDS = (
    "pk",
    "reference",
    "organisation_name",
    "status",
    "submitted_at",
    "deadline_at",
)
