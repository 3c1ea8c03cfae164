"""Reads of the agent path (REG-10): the public 法人注册结果 query and the letter's readers.

The result page answers only someone who holds both keys (the USCC or the 受理编号, and the
agent's mobile): a wrong pair and an unknown unit get the same answer. Every query is audited
(durably, failures included) and an address may query ``agent_result_queries_per_window``
times in ten minutes, counted from the audit log (shared by every worker process).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts.identity import mobile_hash
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.context import client_ip
from zhengwu.core.errors import NotFound, RateLimited, ValidationFailed
from zhengwu.uploads.models import PrivateUpload

from .. import conf
from ..errors import DraftExpired
from ..models import AgentRegistration
from .constants import SUBJECT_TYPE, AgentStatus
from .signing import agent_registration_expire_if_due

EVENT_RESULT_QUERIED = "agent_registration.result_queried"
RESULT_WINDOW = datetime.timedelta(minutes=10)
NO_RESULT = "未查询到注册申请，请核对统一社会信用代码（或受理编号）和代理人手机号"


@dataclass(frozen=True)
class AgentResult:
    """What the public result page shows: no personal data."""

    reference: str
    organisation_name: str
    status: str
    status_label: str
    reason: str
    deadline_at: datetime.datetime | None
    sign_deadline_at: datetime.datetime | None


def agent_result_lookup(*, key: str, mobile: str, request: Any = None) -> AgentResult:
    """法人注册结果 (REG-10): the newest submitted agent registration whose USCC or reference
    is ``key`` and whose agent's mobile is ``mobile``. ``RateLimited`` past the limit of the
    caller's address, ``NotFound`` (one message) otherwise."""
    ip = client_ip(request)
    since = timezone.now() - RESULT_WINDOW
    if (
        ip
        and AuditEvent.objects.filter(
            event_type=EVENT_RESULT_QUERIED, ip=ip, created_at__gte=since
        ).count()
        >= conf.agent_result_queries_per_window()
    ):
        record_event(
            EVENT_RESULT_QUERIED,
            subject=("registrations.agentregistration", ""),
            after={"limited": True},
            outcome="failure",
            durable=True,
            request=request,
        )
        raise RateLimited("查询过于频繁，请10分钟后再试", code="agent_result.rate_limited")
    key = identifiers.normalise(key or "").upper()
    if not key:
        raise ValidationFailed("请填写统一社会信用代码或受理编号", code="key.empty", field="key")
    if not (mobile or "").strip():
        raise ValidationFailed("请填写代理人手机号", code="mobile.empty", field="mobile")
    phone = identifiers.mobile.normalise(mobile) if identifiers.mobile.is_valid(mobile) else ""
    found = None
    if phone:
        found = (
            AgentRegistration.objects.filter(agent_mobile_hash=mobile_hash(phone))
            .exclude(status=AgentStatus.DRAFT)
            .filter(uscc=key)
            .order_by("-created_at", "-pk")
            .first()
        ) or (
            AgentRegistration.objects.filter(agent_mobile_hash=mobile_hash(phone), reference=key)
            .exclude(status=AgentStatus.DRAFT)
            .first()
        )
    record_event(
        EVENT_RESULT_QUERIED,
        subject=found or ("registrations.agentregistration", ""),
        after={"found": found is not None},
        outcome="success" if found else "failure",
        durable=True,
        request=request,
    )
    if found is None:
        raise NotFound(NO_RESULT, code="agent_result.not_found")
    found = agent_registration_expire_if_due(application=found)
    return AgentResult(
        reference=found.reference,
        organisation_name=found.organisation_name,
        status=found.status,
        status_label=str(found.get_status_display()),
        reason=found.reason if found.status == AgentStatus.REJECTED else "",
        deadline_at=found.deadline_at if found.status == AgentStatus.PENDING else None,
        sign_deadline_at=found.sign_deadline_at if found.status == AgentStatus.SIGNING else None,
    )


def agent_letter_for_applicant(*, application: AgentRegistration, request: Any) -> bytes:
    """The letter the applicant may download (the signed one once signed); audited."""
    signed = bytes(application.signed_pdf or b"")
    record_event(
        "agent_registration.letter_viewed",
        subject=application,
        after={"signed": bool(signed), "by": "applicant"},
        request=request,
    )
    return signed or bytes(application.letter_pdf)


def agent_draft_get(*, pk: Any) -> AgentRegistration:
    """The agent registration ``pk`` (from the agent's session); a draft expires. A read: the
    caller applies 签名超时 (``signing.agent_registration_expire_if_due``)."""
    try:
        application = AgentRegistration.objects.get(pk=pk)
    except (AgentRegistration.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound("注册申请不存在，请重新填写", code="agent_registration.not_found") from None
    if application.is_draft_expired:
        raise DraftExpired()
    return application


# --- the agent's face check -------------------------------------------------------------------


def agent_uploads(application: AgentRegistration) -> dict[str, PrivateUpload]:
    """上传证件 of ``application``: the current upload of each kind (the newest one), as
    ``manual_uploads`` does for the manual channel."""
    current: dict[str, PrivateUpload] = {}
    for upload in PrivateUpload.objects.filter(
        subject_type=SUBJECT_TYPE, subject_id=str(application.pk)
    ).order_by("created_at"):
        current[upload.kind] = upload
    return current
