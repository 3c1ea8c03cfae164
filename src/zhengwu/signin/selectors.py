"""Reads of sign-in: which account a principal names, which accounts a unit code and a mobile
or ID number name (ACC-3), and the locked accounts support sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr

from zhengwu import identifiers
from zhengwu.accounts.constants import APPROVER_ROLES
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.models import Membership, Organisation, User

from . import constants
from .models import SignInState


@dataclass(frozen=True)
class Resolution:
    """What a principal names: one account, or none with the reason (for the audit log)."""

    user: User | None
    reason: str = ""
    via: str = "username"


def _one(queryset: QuerySet[User], via: str) -> Resolution:
    users = list(queryset[:2])
    if len(users) == 1:
        return Resolution(users[0], via=via)
    return Resolution(None, constants.REASON_AMBIGUOUS if users else constants.REASON_UNKNOWN, via)


def _id_number_key(value: str) -> str:
    try:
        return identifiers.resident_id.validate(value)
    except identifiers.InvalidIdentifier:
        return "".join(value.split()).upper()


def user_for_principal(*, tab: str, principal: str) -> Resolution:
    """The account ``principal`` names on ``tab`` (ACC-1).

    法人登录: a username, or a USCC naming an organisation with exactly one active account (an
    organisation with several accounts signs in by username: the username picks, decision
    0011). 个人登录: a username, a mobile or an ID number of a natural person. Staff accounts
    sign in by username on either tab. Inactive accounts are never returned.
    """
    value = (principal or "").strip()
    if not value or len(value) > 150:
        return Resolution(None, constants.REASON_UNKNOWN)
    kinds = constants.TAB_KINDS.get(constants.Tab(tab), ())
    active = User.objects.filter(is_active=True)
    by_name = _one(active.filter(username__iexact=value, kind__in=kinds), "username")
    if by_name.user is not None or by_name.reason == constants.REASON_AMBIGUOUS:
        return by_name
    if tab == constants.Tab.LEGAL_PERSON:
        if identifiers.uscc.is_valid(value):
            code = identifiers.uscc.normalise(value)
            return _one(
                active.filter(
                    kind=User.Kind.LEGAL_PERSON,
                    memberships__organisation__uscc=code,
                    memberships__is_active=True,
                    memberships__organisation__status=Organisation.Status.ACTIVE,
                ).distinct(),
                "uscc",
            )
        return by_name
    natural = active.filter(kind=User.Kind.NATURAL_PERSON)
    if identifiers.mobile.is_valid(value):
        return _one(
            natural.filter(mobile_hash=mobile_hash(identifiers.mobile.normalise(value))), "mobile"
        )
    if len(value) >= 6:
        return _one(
            natural.filter(id_number_hash=id_number_hash(_id_number_key(value))), "id_number"
        )
    return by_name


def organisations_for_unit_code(unit_code: str) -> QuerySet[Organisation]:
    """Active organisations a unit code names (ACC-3 找回用户名, seed 001 一.5 单位编号).

    A USCC names its organisation; a 9-character organisation code (GB 11714) names the
    organisations whose USCC carries it in positions 9-17. The portal keeps no 15-digit
    registration numbers (注册号), so one names nothing (the answer looks the same).
    """
    value = identifiers.uscc.normalise(unit_code or "")
    active = Organisation.objects.filter(status=Organisation.Status.ACTIVE)
    if identifiers.uscc.is_valid(value):
        return active.filter(uscc=value)
    if identifiers.orgcode.is_valid(value):
        code = identifiers.orgcode.normalise(value)
        return active.annotate(orgcode=Substr("uscc", 9, 9)).filter(orgcode=code)
    return active.none()


def accounts_for_recovery(*, unit_code: str, mobile: str = "", id_number: str = "") -> list[User]:
    """Active legal-person accounts of the unit bound to ``mobile`` or held by ``id_number``."""
    organisations = organisations_for_unit_code(unit_code)
    users = User.objects.filter(
        is_active=True,
        kind=User.Kind.LEGAL_PERSON,
        memberships__organisation__in=organisations,
        memberships__is_active=True,
    )
    if mobile:
        if not identifiers.mobile.is_valid(mobile):
            return []
        users = users.filter(mobile_hash=mobile_hash(identifiers.mobile.normalise(mobile)))
    elif id_number:
        users = users.filter(id_number_hash=id_number_hash(_id_number_key(id_number)))
    else:
        return []
    return list(users.distinct().order_by("username")[:20])


def locked_accounts() -> QuerySet[SignInState]:
    """Locked accounts, most recent lock first (support's unlock page)."""
    return (
        SignInState.objects.filter(locked_at__isnull=False)
        .select_related("user")
        .order_by("-locked_at")
    )


def signin_state_for(user: User) -> SignInState | None:
    return SignInState.objects.filter(user=user).first()


def pending_application_for(principal: str) -> Any:
    """The latest operator application awaiting approval under the username ``principal``
    (REG-7: the account exists only once approved), or ``None``."""
    from zhengwu.registrations.models import OperatorApplication

    value = (principal or "").strip()
    if not value or len(value) > 150:
        return None
    return (
        OperatorApplication.objects.filter(
            username__iexact=value, status=OperatorApplication.Status.PENDING
        )
        .select_related("organisation")
        .order_by("-pk")
        .first()
    )


def application_approvers(organisation: Organisation) -> dict[str, list[str]]:
    """The names of who decides operator applications of ``organisation`` (REG-7): its legal
    representative(s) (the register's name when no account holds the role) and administrators."""
    names: dict[str, list[str]] = {"legal_representative": [], "administrator": []}
    for membership in Membership.objects.filter(
        organisation=organisation, is_active=True, role__in=APPROVER_ROLES, user__is_active=True
    ).select_related("user"):
        names[str(membership.role)].append(membership.user.real_name)
    if not names["legal_representative"] and organisation.legal_rep_name:
        names["legal_representative"].append(organisation.legal_rep_name)
    return names


def is_locked(user: User | None) -> bool:
    """Whether ``user`` is locked: one query whether or not there is a user (recovery pages do
    the same work for an unknown account)."""
    return SignInState.objects.filter(
        user_id=user.pk if user is not None else 0, locked_at__isnull=False
    ).exists()
