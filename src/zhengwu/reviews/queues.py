"""The back-office queues, generic over the kind of case (journey 6).

A queue is a ``Queue``: a key for the URL, a label, the statuses it can filter by, and a
function returning ``QueueItem`` rows sorted by working-day deadline. The manual channel
(REG-9), the natural-person manual check (REG-11, 个人实名人工审核) and agent registrations
(REG-10, 代理注册) register theirs below, each with a case page of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.manual.constants import ManualStatus
from zhengwu.registrations.models import AgentRegistration, ManualVerification, NaturalPersonReview
from zhengwu.registrations.models.natural import NaturalReviewStatus


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
_UNIT_CASE_FIELDS = (
    "pk",
    "reference",
    "organisation_name",
    "status",
    "submitted_at",
    "deadline_at",
)


def _manual_items(status: str) -> list[QueueItem]:
    """Manual verifications, earliest deadline first: one query whatever the length."""
    now = timezone.now()
    cases = ManualVerification.objects.only(*_UNIT_CASE_FIELDS, "applicant_kind").order_by(
        "deadline_at", "pk"
    )
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


def _natural_items(status: str) -> list[QueueItem]:
    """个人实名人工审核 (REG-11), earliest 48-working-hour deadline first; one query (the
    draft joined), the name masked in the list."""
    now = timezone.now()
    reviews = (
        NaturalPersonReview.objects.select_related("draft")
        .only(
            "pk",
            "status",
            "submitted_at",
            "deadline",
            "created_at",
            "draft__real_name",
            "draft__id_type",
        )
        .order_by("deadline", "pk")
    )
    if status:
        reviews = reviews.filter(status=status)
    return [
        QueueItem(
            pk=review.pk,
            reference=review.reference,
            title=review.draft.masked_name,
            kind_label=review.draft.get_id_type_display(),
            status=review.status,
            status_label=review.get_status_display(),
            submitted_at=review.submitted_at,
            deadline_at=review.deadline,
            is_overdue=review.status == NaturalReviewStatus.PENDING and review.deadline <= now,
            url=reverse("reviews:natural_case", args=[review.pk]),
        )
        for review in reviews
    ]


NATURAL_QUEUE = register_queue(
    Queue(
        key="natural",
        label=_("个人实名人工审核"),
        statuses=NaturalReviewStatus.choices,
        default_status=NaturalReviewStatus.PENDING,
        items=_natural_items,
        title_label=_("姓名"),
        kind_header=_("证件类型"),
    )
)


#: The states a reviewer filters the 代理注册 queue by (the agent's own steps before the
#: signature are not the back office's business).
AGENT_QUEUE_STATUSES = [
    (status.value, status.label)
    for status in (AgentStatus.PENDING, AgentStatus.APPROVED, AgentStatus.REJECTED)
]


def _agent_items(status: str) -> list[QueueItem]:
    """代理注册 (REG-10): signed registrations, earliest working-day deadline first; one query."""
    now = timezone.now()
    cases = (
        AgentRegistration.objects.only(*_UNIT_CASE_FIELDS, "legal_person_type", "created_at")
        .filter(status__in=[value for value, _label in AGENT_QUEUE_STATUSES])
        .order_by("deadline_at", "pk")
    )
    if status:
        cases = cases.filter(status=status)
    return [
        QueueItem(
            pk=case.pk,
            reference=case.reference,
            title=case.organisation_name,
            kind_label=case.get_legal_person_type_display(),
            status=case.status,
            status_label=case.get_status_display(),
            submitted_at=case.submitted_at or case.created_at,
            deadline_at=case.deadline_at or now,
            is_overdue=case.status == AgentStatus.PENDING
            and case.deadline_at is not None
            and case.deadline_at < now,
            url=reverse("reviews:agent_case", args=[case.pk]),
        )
        for case in cases
    ]


AGENT_QUEUE = register_queue(
    Queue(
        key="agent",
        label=_("代理注册"),
        statuses=AGENT_QUEUE_STATUSES,
        default_status=AgentStatus.PENDING,
        items=_agent_items,
        kind_header=_("法人类型"),
    )
)
