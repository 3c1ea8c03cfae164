"""Public verification of a licence by its identifier or QR (LIC-3).

The QR in the PDF carries ``/licences/verify/<identifier>/?t=<token>``: the identifier and a
short keyed signature of it (``django.core.signing``), no personal data. The page answers
valid / revoked / expired with the unit name, licence type, issuer and validity, never the
legal representative or other particulars.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from zhengwu.core.cache import count_in_window
from zhengwu.core.errors import RateLimited, ValidationFailed
from zhengwu.identifiers import InvalidIdentifier, licence_id

from .constants import DisplayStatus, LicenceStatus, LicenceType
from .models import Licence
from .selectors import licence_public_facts

_SIGNER = signing.Signer(salt="zhengwu.licences.verify")


def verification_token(identifier: str) -> str:
    """A keyed signature of ``identifier`` (first 16 characters: short enough for a QR)."""
    return _SIGNER.signature(identifier)[:16]


def verification_url(licence: Licence) -> str:
    """The absolute URL of the licence's verification page, as printed in its QR."""
    path = reverse("licences:verify_identifier", args=[licence.identifier])
    query = urlencode({"t": verification_token(licence.identifier)})
    return f"{settings.ZHENGWU_SITE_URL.rstrip('/')}{path}?{query}"


@dataclass(frozen=True)
class VerificationResult:
    identifier: str
    found: bool
    status: str = ""
    status_label: str = ""
    holder_name: str = ""
    licence_type: str = ""
    issuer_name: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    token_valid: bool | None = None


def licence_verify(*, identifier: str, token: str | None = None) -> VerificationResult:
    """Check ``identifier`` (its MOD 37,36 check character first) and report the licence.

    A malformed identifier raises ``ValidationFailed`` on field ``identifier`` with the exact
    problem; an unknown one is ``found=False``. ``token_valid`` says whether the QR's token
    matches (``None`` when none was given).
    """
    try:
        normalised = licence_id.validate(identifier)
    except InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="identifier") from exc
    token_valid = None if token is None else token == verification_token(normalised)
    facts = licence_public_facts(normalised)
    if facts is None:
        return VerificationResult(identifier=normalised, found=False, token_valid=token_valid)
    status = _display_status(facts, timezone.localdate())
    return VerificationResult(
        identifier=normalised,
        found=True,
        status=status,
        status_label=str(DisplayStatus(status).label),
        holder_name=facts["holder_name"],
        licence_type=str(LicenceType(facts["licence_type"]).label),
        issuer_name=facts["issuer__name"],
        valid_from=facts["valid_from"],
        valid_until=facts["valid_until"],
        token_valid=token_valid,
    )


def _display_status(facts: dict, today: datetime.date) -> str:
    # Same rule as Licence.display_status, on the selector's dict.
    if facts["status"] == LicenceStatus.REVOKED:
        return DisplayStatus.REVOKED
    if facts["valid_until"] is not None and facts["valid_until"] < today:
        return DisplayStatus.EXPIRED
    return DisplayStatus.VALID


def verify_rate_check(ip: str | None) -> None:
    """At most ``ZHENGWU_LICENCE_VERIFY_RATE`` verifications per minute and client IP.

    A fixed one-minute window in the cache (shared by all processes with Redis): enough to
    stop enumeration of identifiers, no database write on the public hot path.
    """
    limit = settings.ZHENGWU_LICENCE_VERIFY_RATE
    if limit <= 0:
        return
    key = f"licences:verify:{ip or '-'}:{int(timezone.now().timestamp()) // 60}"
    count = count_in_window(cache, key, 70)  # one Redis round trip
    if count > limit:
        raise RateLimited("验证请求过于频繁，请一分钟后再试", code="licences.verify_rate")
