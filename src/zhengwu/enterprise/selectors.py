"""Reads of the enterprise code, scoped to the person asking."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhengwu.accounts.models import Membership, Organisation, User

from .constants import CLAIM_ROLES, CodeStatus
from .models import EnterpriseCode
from .tokens import read_token


def organisations_for_user(user: Any) -> list[Organisation]:
    """The active units whose legal-person account ``user`` uses (any claim role)."""
    if not getattr(user, "is_authenticated", False) or user.kind != User.Kind.LEGAL_PERSON:
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


#: Seconds the public facts of a code stay cached for the verification page (the public hot
#: path, ``bench/verification.py``). Revoking or reissuing drops the entry after commit
#: (``services``); a register status change shows within this time.
FACTS_CACHE_SECONDS = 60


def facts_cache_key(public_id: str) -> str:
    return f"enterprise:code-facts:{public_id}"


_FACT_NAMES = (
    "version",
    "status",
    "claimed_at",
    "organisation__name",
    "organisation__uscc",
    "organisation__status",
    "entity_status",
)


@functools.cache
def _facts_sql() -> str:
    """One indexed statement (code by its unique id, unit by primary key, register status by
    primary key). Plain SQL: compiling the equivalent ORM query cost more than running it."""
    from zhengwu.registry.models import MarketEntity

    return (
        "SELECT c.version, c.status, c.claimed_at, o.name, o.uscc, o.status, "
        f"(SELECT m.status FROM {MarketEntity._meta.db_table} m WHERE m.uscc = o.uscc) "
        f"FROM {EnterpriseCode._meta.db_table} c "
        f"JOIN {Organisation._meta.db_table} o ON o.id = c.organisation_id "
        "WHERE c.public_id = %s"
    )


def _facts(public_id: str) -> dict[str, Any] | None:
    """The code's version and status and its unit's public facts, cached
    ``FACTS_CACHE_SECONDS``."""
    from django.core.cache import cache
    from django.db import connection

    key = facts_cache_key(public_id)
    facts = cache.get(key)
    if facts is not None:
        return dict(facts)
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), [public_id])
        row = cursor.fetchone()
    if row is None:  # a genuine token names a code that exists (codes are never deleted)
        return None
    facts = dict(zip(_FACT_NAMES, row, strict=True))
    facts["claimed_at"] = _aware(facts["claimed_at"])
    cache.set(key, facts, FACTS_CACHE_SECONDS)
    return facts


def _aware(value: Any) -> Any:
    """SQLite hands raw SQL datetimes back naive (or as text), in UTC; PostgreSQL aware."""
    from datetime import UTC, datetime

    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _registry_status(facts: dict[str, Any]) -> str:
    """存续/注销/吊销 from the register when it knows the unit, else from the organisation."""
    from zhengwu.registry.constants import Status

    if facts["entity_status"]:
        return str(dict(Status.choices).get(facts["entity_status"], facts["entity_status"]))
    return "存续" if facts["organisation__status"] == Organisation.Status.ACTIVE else "注销"


def verification_for_token(token: str) -> Verification:
    claims = read_token(token)
    if claims is None:
        return Verification("invalid")
    facts = _facts(claims.public_id)
    if facts is None:
        return Verification("invalid")
    is_active = facts["status"] == CodeStatus.ACTIVE
    if is_active and claims.version != facts["version"]:
        return Verification("superseded")
    return Verification(
        "valid" if is_active else "revoked",
        name=facts["organisation__name"],
        uscc=facts["organisation__uscc"] or "",
        registry_status=_registry_status(facts),
        claimed_at=facts["claimed_at"],
    )


# --- EC-2: the one-stop service channel of the code page ---------------------------------------


@dataclass(frozen=True)
class ChannelItem:
    """One line of the code page's channel: a title, an optional detail and link."""

    title: str
    detail: str = ""
    url: str = ""


def licences_for(organisation: Organisation) -> list[ChannelItem]:
    """The unit's electronic licences (LIC-1), when ``zhengwu.licences`` is installed."""
    try:
        from zhengwu.licences.selectors import licences_for_organisation
    except ImportError:
        return []
    items = []
    for licence in list(licences_for_organisation(organisation)[:20]):
        display = getattr(licence, "get_licence_type_display", None)
        title = str(display()) if callable(display) else str(licence)
        until = getattr(licence, "valid_until", None)
        validity = f"有效期至 {until:%Y-%m-%d}" if until else "长期有效"
        number = getattr(licence, "number", "")
        items.append(ChannelItem(title, f"{number} · {validity}" if number else validity))
    return items


def pending_matters(organisation: Organisation, user: Any) -> list[ChannelItem]:
    """Matters of the unit in progress: pending operator applications (REG-7) — with the link
    to decide them for the legal representative and administrators."""
    from zhengwu.accounts.constants import APPROVER_ROLES
    from zhengwu.registrations.constants import ApplicationStatus
    from zhengwu.registrations.models import OperatorApplication

    is_approver = Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role__in=APPROVER_ROLES
    ).exists()
    items = []
    applications = OperatorApplication.objects.filter(
        organisation=organisation, status=ApplicationStatus.PENDING
    ).order_by("created_at")
    url = _url("registrations:applications") if is_approver else ""
    for application in applications[:20]:
        items.append(
            ChannelItem(
                "经办人申请待审核",
                f"申请时间 {application.created_at:%Y-%m-%d %H:%M}",
                url,
            )
        )
    return items


def startable_services(organisation: Organisation, user: Any) -> list[ChannelItem]:
    """What the unit can start from its code until a service catalogue (SVC-1) exists: the
    portal's own actions for legal persons."""
    from zhengwu.accounts.constants import APPROVER_ROLES

    is_approver = Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role__in=APPROVER_ROLES
    ).exists()
    items = [
        ChannelItem("我的证照", "查看、下载本单位的电子证照", _url("licences:index", "/licences/")),
        ChannelItem("单位中心", "单位信息、经办人与账号管理", _url("orgcentre:index", "/org/")),
    ]
    if is_approver:
        items.append(
            ChannelItem("经办人审批", "审批本单位的经办人申请", _url("registrations:applications"))
        )
    items.append(ChannelItem("企业码使用指南", "领码流程与常见问题", _url("enterprise:help")))
    return items


def _url(name: str, fallback: str = "") -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


# --- back office -------------------------------------------------------------------------------


def codes_search(query: str, *, limit: int = 50) -> list[EnterpriseCode]:
    """Codes whose unit's name contains ``query`` or whose USCC is ``query`` (staff only)."""
    from django.db.models import Q

    codes = EnterpriseCode.objects.select_related("organisation").order_by("-claimed_at", "-pk")
    query = query.strip()
    if query:
        codes = codes.filter(
            Q(organisation__uscc=query.upper()) | Q(organisation__name__icontains=query)
        )
    return list(codes[:limit])
