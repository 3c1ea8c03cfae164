"""我的办件: the applications of an account, from every kind of application there is.

Each kind is a *source*: a function ``(user) -> list[CaseItem]`` registered here. The
workspace merges them newest first. The registrations sources are defined below; a later
kind of application (agency coding, licences, ...) registers its own from its ``AppConfig.ready``
with ``register_case_source`` and appears in 我的办件 without touching the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CaseItem:
    kind: str  # what kind of application, shown as is (translated)
    title: str  # what it is about (unit name, username)
    status: str  # its state, as the applicant sees it
    created_at: datetime | None
    url: str = ""  # where the applicant follows it
    reference: str = ""


CaseSource = Callable[[Any], list[CaseItem]]
_SOURCES: dict[str, CaseSource] = {}


def register_case_source(key: str, source: CaseSource) -> None:
    """Add (or replace) the source ``key``: idempotent, so ``ready`` may run twice."""
    _SOURCES[key] = source


def cases_for(user: Any) -> list[CaseItem]:
    items: list[CaseItem] = []
    for source in _SOURCES.values():
        items.extend(source(user))
    return sorted(
        items, key=lambda c: c.created_at.timestamp() if c.created_at else 0, reverse=True
    )


# --- the registrations (read only: the registrations app owns them) ---------------------


def _operator_applications(user: Any) -> list[CaseItem]:
    from zhengwu.registrations.models import OperatorApplication

    return [
        CaseItem(
            kind=str(_("经办人申请")),
            title=a.organisation.name,
            status=a.get_status_display(),
            created_at=a.created_at,
        )
        for a in OperatorApplication.objects.filter(user=user).select_related("organisation")
    ]


def _manual_verifications(user: Any) -> list[CaseItem]:
    from zhengwu.registrations.models import ManualVerification

    return [
        CaseItem(
            kind=str(_("法人注册（人工认证）")),
            title=m.organisation_name,
            status=m.get_status_display(),
            created_at=m.submitted_at,
            url=reverse("registrations:manual_status"),
            reference=m.reference,
        )
        for m in ManualVerification.objects.filter(user=user)
    ]


def _agent_registrations(user: Any) -> list[CaseItem]:
    from zhengwu.registrations.models import AgentRegistration

    return [
        CaseItem(
            kind=str(_("法人注册（代理人）")),
            title=a.organisation_name,
            status=a.get_status_display(),
            created_at=a.submitted_at or a.created_at,
            url=reverse("registrations:agent_result"),
            reference=a.reference,
        )
        for a in AgentRegistration.objects.filter(user=user)
    ]


def _natural_reviews(user: Any) -> list[CaseItem]:
    from zhengwu.registrations.models import NaturalPersonReview

    return [
        CaseItem(
            kind=str(_("个人注册（人工审核）")),
            title=user.get_username(),
            status=r.get_status_display(),
            created_at=r.submitted_at,
            url=reverse("registrations:natural_result"),
        )
        for r in NaturalPersonReview.objects.filter(user=user)
    ]


register_case_source("registrations.operator_application", _operator_applications)
register_case_source("registrations.manual", _manual_verifications)
register_case_source("registrations.agent", _agent_registrations)
register_case_source("registrations.natural_review", _natural_reviews)
