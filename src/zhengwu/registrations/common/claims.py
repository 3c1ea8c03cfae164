"""Mobile claims before the SMS code is spent (REG-8, REG-11): the one early check.

Within an organisation (or among natural persons) a mobile is bound to one account, pending
applications and live drafts included. ``accounts.mobile_claim_acquire`` and its unique
constraint decide for real inside the write; ``mobile_claim_free`` is the early answer every
channel gives before it checks the SMS code, and ``mobile_claim_take`` the write with the
channel's own message.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from zhengwu.accounts import services as accounts
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.identity import mobile_hash
from zhengwu.accounts.models import MobileClaim
from zhengwu.core.errors import ValidationFailed


def _taken(message: str | None) -> ValidationFailed:
    if message is None:
        return MobileTaken()
    return ValidationFailed(message, code="mobile.taken", field="mobile")


def mobile_claim_free(
    *,
    organisation_key: str,
    mobile: str,
    holder: str = "",
    message: str | None = None,
    passing: str = "",
    also_mine: Sequence[str] = (),
) -> None:
    """Raise when a live claim of somebody other than ``holder`` binds ``mobile`` within
    ``organisation_key``: ``MobileTaken`` (REG-8 wording), or ``ValidationFailed(message,
    code="mobile.taken")`` when the channel words it itself. Claims whose holder starts with
    ``passing`` (e.g. other wizard drafts, which the same person may be replacing) do not
    count, nor do the holders in ``also_mine`` (the same person's other drafts)."""
    claims = (
        MobileClaim.objects.filter(
            organisation_key=organisation_key, mobile_hash=mobile_hash(mobile)
        )
        .exclude(holder=holder)
        .exclude(expires_at__lte=timezone.now())
    )
    if passing:
        claims = claims.exclude(holder__startswith=passing)
    if also_mine:
        claims = claims.exclude(holder__in=list(also_mine))
    taken = claims.exists()
    if taken:
        raise _taken(message)


def mobile_claim_take(
    *,
    organisation_key: str,
    mobile: str,
    holder: str,
    expires_at: datetime.datetime | None,
    actor: Any,
    message: str | None = None,
) -> None:
    """``accounts.mobile_claim_acquire`` with the channel's message when the mobile is taken."""
    try:
        accounts.mobile_claim_acquire(
            organisation_key=organisation_key,
            mobile=mobile,
            holder=holder,
            expires_at=expires_at,
            actor=actor,
        )
    except MobileTaken:
        raise _taken(message) from None
