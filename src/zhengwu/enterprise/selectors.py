"""Reads of the enterprise code, scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhengwu.accounts.models import Membership, Organisation

from .constants import CLAIM_ROLES
from .models import EnterpriseCode
from .tokens import read_token


def organisations_for_user(user: Any) -> list[Organisation]:
    """The active units whose legal-person account ``user`` uses (any claim role)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, is_active=True, role__in=CLAIM_ROLES)
        .select_related("organisation", "organisation__enterprise_code")
        .order_by("organisation__name", "organisation_id")
    ]


def organisation_get_for_user(user: Any, organisation_id: int) -> Organisation | None:
    """One of ``organisations_for_user``, or ``None`` (not a member: nothing to see)."""
    for organisation in organisations_for_user(user):
        if organisation.pk == organisation_id:
            return organisation
    return None


def code_for_organisation(organisation: Organisation) -> EnterpriseCode | None:
    return EnterpriseCode.objects.filter(organisation=organisation).first()


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say (EC-3): no personal data, ever.

    ``outcome`` is ``valid`` (current token of an active code), ``revoked`` (the code is
    revoked), ``superseded`` (an earlier version of a code reissued since) or ``invalid``
    (forged, malformed or unknown). Unit details are given only for ``valid`` and ``revoked``
    (a revoked code's page names the unit so the scanner knows which code is dead).
    """

    outcome: str
    name: str = ""
    uscc: str = ""
    registry_status: str = ""
    claimed_at: datetime | None = None


def _registry_status(organisation: Organisation) -> str:
    """存续/注销/吊销 from the register when it knows the unit, else from the organisation."""
    from zhengwu.registry.models import MarketEntity

    if organisation.uscc:
        entity = MarketEntity.objects.filter(uscc=organisation.uscc).only("status").first()
        if entity is not None:
            return str(entity.get_status_display())
    return "存续" if organisation.status == Organisation.Status.ACTIVE else "注销"


def verification_for_token(token: str) -> Verification:
    claims = read_token(token)
    if claims is None:
        return Verification("invalid")
    code = (
        EnterpriseCode.objects.select_related("organisation")
        .filter(public_id=claims.public_id)
        .first()
    )
    if code is None:
        return Verification("invalid")
    org = code.organisation
    details = {
        "name": org.name,
        "uscc": org.uscc or "",
        "registry_status": _registry_status(org),
        "claimed_at": code.claimed_at,
    }
    if not code.is_active:
        return Verification("revoked", **details)
    if claims.version != code.version:
        return Verification("superseded")
    return Verification("valid", **details)
