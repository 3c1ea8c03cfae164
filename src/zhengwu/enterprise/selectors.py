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


def code_for_agency_unit(unit: Any) -> EnterpriseCode | None:
    """The code of an agency unit (``agency.AgencyUnit``), or ``None`` before 领码."""
    return EnterpriseCode.objects.filter(agency_unit=unit).first()


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say (EC-3): no personal data, ever.

    ``outcome`` is ``valid`` (current token of an active code), ``revoked`` (the code is
    revoked), ``unit_revoked`` (an agency unit whose credit code was 撤销: its code is dead
    with it), ``superseded`` (an earlier version of a code reissued since) or ``invalid``
    (forged, malformed or unknown). Unit details are given only for ``valid``, ``revoked``
    and ``unit_revoked`` (a dead code's page names the unit so the scanner knows which code
    is dead).

    For an agency unit (``is_agency``) the facts are the agency register's public ones: kind
    (类别), head (负责人), status 正常 / 已撤销 in ``registry_status``, and the identifier of
    its valid electronic credit-code certificate (``licence_identifier``, LIC-3), if any.
    """

    outcome: str
    name: str = ""
    uscc: str = ""
    registry_status: str = ""
    claimed_at: datetime | None = None
    is_agency: bool = False
    kind: str = ""
    head: str = ""
    licence_identifier: str = ""


#: Seconds the public facts of a code stay cached for the verification page (the public hot
#: path, ``bench/verification.py``). Revoking or reissuing drops the entry after commit
#: (``services``), so does a change of an agency unit's register row; a market register
#: status change shows within this time.
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
    "agency__name",
    "agency__uscc",
    "agency__kind",
    "agency__head",
    "agency__status",
    "agency__licence",
)


@functools.cache
def _facts_sql() -> str:
    """One indexed statement (code by its unique id, its unit by primary key — an organisation
    or an agency unit —, register status and the agency's certificate by indexed columns).
    Plain SQL: compiling the equivalent ORM query cost more than running it."""
    from zhengwu.agency.models import AgencyUnit
    from zhengwu.licences.models import Licence
    from zhengwu.registry.models import MarketEntity

    return (
        "SELECT c.version, c.status, c.claimed_at, o.name, o.uscc, o.status, "
        f"(SELECT m.status FROM {MarketEntity._meta.db_table} m WHERE m.uscc = o.uscc), "
        "a.name, a.uscc, a.kind, a.head, a.status, "
        f"(SELECT l.identifier FROM {Licence._meta.db_table} l WHERE l.holder_uscc = a.uscc "
        "AND l.licence_type = %s AND l.status = %s ORDER BY l.issued_on DESC, l.id DESC "
        "LIMIT 1) "
        f"FROM {EnterpriseCode._meta.db_table} c "
        f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = c.organisation_id "
        f"LEFT JOIN {AgencyUnit._meta.db_table} a ON a.id = c.agency_unit_id "
        "WHERE c.public_id = %s"
    )


def _facts(public_id: str) -> dict[str, Any] | None:
    """The code's version and status and its unit's public facts, cached
    ``FACTS_CACHE_SECONDS``."""
    from django.core.cache import cache
    from django.db import connection

    from zhengwu.licences.constants import LicenceStatus, LicenceType

    key = facts_cache_key(public_id)
    facts = cache.get(key)
    if facts is not None:
        return dict(facts)
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_sql(),
            [LicenceType.CREDIT_CODE_CERTIFICATE, LicenceStatus.VALID, public_id],
        )
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


def _agency_verification(facts: dict[str, Any], claims_version: int) -> Verification:
    from zhengwu.agency.constants import Kind, UnitStatus

    unit_active = facts["agency__status"] == UnitStatus.ACTIVE
    code_active = facts["status"] == CodeStatus.ACTIVE
    if code_active and unit_active and claims_version != facts["version"]:
        return Verification("superseded")
    outcome = "valid" if code_active else "revoked"
    if not unit_active:
        outcome = "unit_revoked"
    return Verification(
        outcome,
        name=facts["agency__name"],
        uscc=facts["agency__uscc"],
        registry_status=str(
            dict(UnitStatus.choices).get(facts["agency__status"], facts["agency__status"])
        ),
        claimed_at=facts["claimed_at"],
        is_agency=True,
        kind=str(dict(Kind.choices).get(facts["agency__kind"], facts["agency__kind"])),
        head=facts["agency__head"],
        # A 已撤销 unit's certificate is revoked with it; never shown as valid.
        licence_identifier=(facts["agency__licence"] or "") if unit_active else "",
    )


def verification_for_token(token: str) -> Verification:
    claims = read_token(token)
    if claims is None:
        return Verification("invalid")
    facts = _facts(claims.public_id)
    if facts is None:
        return Verification("invalid")
    if facts["agency__uscc"] is not None:
        return _agency_verification(facts, claims.version)
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


def agency_licences(unit: Any) -> list[ChannelItem]:
    """An agency unit's electronic credit-code certificates (LIC-1), each linked to its public
    verification page (LIC-3)."""
    try:
        from zhengwu.licences.selectors import licences_for_organisation
    except ImportError:
        return []
    items = []
    for licence in list(licences_for_organisation(unit)[:20]):
        until = licence.valid_until
        validity = f"有效期至 {until:%Y-%m-%d}" if until else "长期有效"
        state = "" if licence.status == "valid" else f" · {licence.get_status_display()}"
        items.append(
            ChannelItem(
                str(licence.get_licence_type_display()),
                f"{licence.number} · {validity}{state}",
                _url_args("licences:verify_identifier", licence.identifier),
            )
        )
    return items


def agency_pending(unit: Any) -> list[ChannelItem]:
    """The agency unit's application in progress (AG-5), linked to its application page."""
    from zhengwu.agency.services.applications import open_application

    application = open_application(unit)
    if application is None:
        return []
    return [
        ChannelItem(
            str(application.get_item_display()),
            f"办理进度：{application.get_status_display()}",
            _url("agency:workspace"),
        )
    ]


def agency_services() -> list[ChannelItem]:
    """What an agency unit can start from its code: the online items of 机关用户服务."""
    return [
        ChannelItem("机关赋码业务办理", "申请变更、补领、换领、撤销", _url("agency:workspace")),
        ChannelItem("服务指南", "受理范围、办理流程、申请材料", _url("agency:services")),
        ChannelItem("企业码使用指南", "领码流程与常见问题", _url("enterprise:help")),
    ]


def _url_args(name: str, *args: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


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

    codes = EnterpriseCode.objects.select_related("organisation", "agency_unit").order_by(
        "-claimed_at", "-pk"
    )
    query = query.strip()
    if query:
        codes = codes.filter(
            Q(organisation__uscc=query.upper())
            | Q(organisation__name__icontains=query)
            | Q(agency_unit__uscc=query.upper())
            | Q(agency_unit__name__icontains=query)
        )
    return list(codes[:limit])
