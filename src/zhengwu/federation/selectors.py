"""Reads of the other sign-in methods: which portal account a verified identity opens (ACC-6).

Matching is by blind index only (``accounts.User.id_number_hash``,
``Organisation.legal_rep_id_number_hash``): the ID number a provider asserts is never compared
in clear nor stored.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from zhengwu.accounts.constants import Role
from zhengwu.accounts.identity import id_number_hash
from zhengwu.accounts.models import Membership, Organisation, User

from .models import SignInFlow
from .providers.base import FederatedIdentity

_ROLE_PREFERENCE = Case(
    When(role=Role.LEGAL_REPRESENTATIVE, then=Value(0)),
    When(role=Role.ADMINISTRATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def account_for_identity(*, identity: FederatedIdentity) -> User | None:
    """The account a national-platform identity signs in, or ``None``.

    A natural person: their natural-person account. A legal-person login (claims with a USCC):
    the person's legal-person account in that active organisation, where they are the legal
    representative, an administrator or an operator (the legal representative's account first
    if they hold several).
    """
    if not identity.id_number:
        return None
    hashed = id_number_hash(identity.id_number)
    if not identity.uscc:
        return (
            User.objects.filter(
                kind=User.Kind.NATURAL_PERSON, id_number_hash=hashed, is_active=True
            )
            .order_by("pk")
            .first()
        )
    membership = (
        Membership.objects.filter(
            organisation__uscc=identity.uscc,
            organisation__status=Organisation.Status.ACTIVE,
            is_active=True,
            user__kind=User.Kind.LEGAL_PERSON,
            user__is_active=True,
            user__id_number_hash=hashed,
        )
        .select_related("user")
        .order_by(_ROLE_PREFERENCE, "pk")
        .first()
    )
    return membership.user if membership else None


def legal_representative_account(*, uscc: str, id_number: str = "") -> User | None:
    """The legal representative's account of the active organisation ``uscc``, or ``None``.

    With ``id_number`` (the licence app asserts who confirmed), the organisation's recorded
    legal representative must be that person too.
    """
    organisation = Organisation.objects.filter(uscc=uscc, status=Organisation.Status.ACTIVE).first()
    if organisation is None:
        return None
    if id_number and organisation.legal_rep_id_number_hash != id_number_hash(id_number):
        return None
    membership = (
        Membership.objects.filter(
            organisation=organisation,
            role=Role.LEGAL_REPRESENTATIVE,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def flow_for_session(*, token: str | None, method: str) -> SignInFlow | None:
    """The flow the browser session started (``token`` from the session), if any."""
    if not token:
        return None
    return SignInFlow.objects.filter(token=token, method=method).first()
