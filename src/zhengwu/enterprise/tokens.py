"""The QR token of an enterprise code (EC-3): ``<public_id>.<version>:<signature>``.

Signed with ``django.core.signing`` (HMAC-SHA256 keyed by ``SECRET_KEY``, which production
reads from the environment) under its own salt. The token holds no personal data — only the
random code identifier and a version number; ``verify_token`` answers which code a token
names and whether it is the current version. Revocation is the code's status plus a version
bump (``services``), so an old token can never verify again even after a reissue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from zhengwu.core.parsing import is_ascii_digits

from .constants import TOKEN_SALT


@dataclass(frozen=True)
class TokenClaims:
    public_id: str
    version: int


def _signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT, algorithm="sha256")


def make_token(*, public_id: str, version: int) -> str:
    return _signer().sign(f"{public_id}.{version}")


def read_token(token: str) -> TokenClaims | None:
    """The code and version a genuine token names, or ``None`` for a forged or malformed one."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    public_id, _, version = value.rpartition(".")
    if not public_id or not is_ascii_digits(version):
        return None
    return TokenClaims(public_id=public_id, version=int(version))
