"""Writes of the enterprise code: claim (EC-1), revoke and reissue (EC-3).

Each service is one transaction, takes the acting user as ``actor`` and writes an audit
event; refusals are audited durably so they survive the rollback.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.accounts.models import Organisation
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.workflow import transition

from .constants import (
    EVENT_CLAIM_REFUSED,
    EVENT_CLAIMED,
    EVENT_REISSUED,
    EVENT_REVOKED,
    CodeStatus,
)
from .errors import (
    AgencyUnitRevoked,
    ClaimNotAllowed,
    CodeAlreadyClaimed,
    ManageNotAllowed,
    OrganisationClosed,
    ReasonRequired,
)
from .models import EnterpriseCode
from .permissions import can_claim, can_manage_codes
from .selectors import facts_cache_key

REASON_MAX_LENGTH = 200


def _refuse_claim(organisation: Any, actor: Any, error: Exception) -> None:
    record_event(
        EVENT_CLAIM_REFUSED,
        actor=actor,
        subject=organisation,
        after={"code": getattr(error, "code", "error")},
        outcome=AuditEvent.Outcome.FAILURE,
        durable=True,
    )


def claim_code(*, organisation: Organisation, actor: Any) -> EnterpriseCode:
    """EC-1 领码: create the unit's enterprise code, once.

    ``actor`` must be allowed by ``permissions.can_claim`` (a member of the unit signed in
    with its legal-person account) and the unit must be active. A second claim — also one
    racing this one in another transaction — raises ``CodeAlreadyClaimed``: the one-to-one
    column on ``organisation`` lets exactly one row in.
    """
    if not can_claim(actor, organisation):
        error: Exception = ClaimNotAllowed()
        _refuse_claim(organisation, actor, error)
        raise error
    if organisation.status != Organisation.Status.ACTIVE:
        error = OrganisationClosed()
        _refuse_claim(organisation, actor, error)
        raise error
    try:
        with transaction.atomic():
            code = EnterpriseCode.objects.create(organisation=organisation, claimed_by=actor)
            record_event(
                EVENT_CLAIMED,
                actor=actor,
                subject=code,
                after={"organisation": organisation.pk, "version": code.version},
            )
    except IntegrityError:
        error = CodeAlreadyClaimed()
        _refuse_claim(organisation, actor, error)
        raise error from None
    return code


def claim_agency_code(*, unit: Any, actor: Any = "agency_unit") -> EnterpriseCode:
    """EC-1 领码 for an agency unit (``agency.AgencyUnit``) signed in with its login QR image
    (decision 0021): the caller has checked the unit session; the unit must be 正常 (a
    已撤销 unit's code is dead). Claimed once, by the same one-to-one guarantee."""
    if not unit.is_active:
        error: Exception = AgencyUnitRevoked()
        _refuse_claim(unit, actor, error)
        raise error
    try:
        with transaction.atomic():
            code = EnterpriseCode.objects.create(agency_unit=unit, claimed_by=None)
            record_event(
                EVENT_CLAIMED,
                actor=actor,
                subject=code,
                after={"agency_unit": unit.pk, "version": code.version},
            )
    except IntegrityError:
        error = CodeAlreadyClaimed()
        _refuse_claim(unit, actor, error)
        raise error from None
    return code


def forget_agency_facts(unit_id: int) -> None:
    """Drop the cached public facts of an agency unit's code (its register row changed: a new
    name, a new certificate, 已撤销), now and after commit."""
    public_id = (
        EnterpriseCode.objects.filter(agency_unit_id=unit_id)
        .values_list("public_id", flat=True)
        .first()
    )
    if public_id:
        _forget_facts(public_id)
        transaction.on_commit(functools.partial(_forget_facts, public_id))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("请填写原因")
    if len(reason) > REASON_MAX_LENGTH:
        raise ReasonRequired(f"原因不能超过{REASON_MAX_LENGTH}个字")
    return reason


def _bump(
    code: EnterpriseCode, *, to: str, actor: Any, reason: str, event_type: str
) -> EnterpriseCode:
    if not can_manage_codes(actor):
        record_event(
            event_type,
            actor=actor,
            subject=code,
            outcome=AuditEvent.Outcome.FAILURE,
            durable=True,
        )
        raise ManageNotAllowed()
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = EnterpriseCode.objects.select_for_update().get(pk=code.pk)
        transition(
            locked,
            to,
            actor=actor,
            reason=reason,
            event_type=event_type,
            changes={"version": locked.version + 1, "status_changed_at": timezone.now()},
            # The verification page's cached facts must not outlive the old version: dropped
            # now, and again after commit in case a scan re-read the old row meanwhile.
            on_commit=functools.partial(_forget_facts, locked.public_id),
        )
        _forget_facts(locked.public_id)
    code.refresh_from_db()
    return code


def _forget_facts(public_id: str) -> None:
    cache.delete(facts_cache_key(public_id))


def revoke_code(*, code: EnterpriseCode, actor: Any, reason: str) -> EnterpriseCode:
    """EC-3: revoke a code (状态 → 已作废). The version moves on, so every QR printed so far
    stops verifying; the verification page of the code says it is revoked."""
    return _bump(code, to=CodeStatus.REVOKED, actor=actor, reason=reason, event_type=EVENT_REVOKED)


def reissue_code(*, code: EnterpriseCode, actor: Any, reason: str) -> EnterpriseCode:
    """EC-3: reissue a code (revoked or active → 有效) with a new version: the unit downloads
    a new QR, every earlier one stays dead."""
    return _bump(code, to=CodeStatus.ACTIVE, actor=actor, reason=reason, event_type=EVENT_REISSUED)
