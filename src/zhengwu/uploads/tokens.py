"""Owner tokens: how an upload made before an account exists stays visible to its maker.

The wizard keeps a random token in the session (``session_owner_token(request, create=True)``)
and passes it to ``upload_store(owner_token=...)``; the row keeps only a keyed hash of it, so
the database alone does not let anyone open the files.
"""

from __future__ import annotations

import hmac
import secrets

from django.http import HttpRequest

from zhengwu.core.crypto import blind_index

from .constants import OWNER_TOKEN_SESSION_KEY

_PURPOSE = "upload_owner"


def new_owner_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def owner_token_hash(token: str) -> str:
    """The keyed hash stored in ``PrivateUpload.owner_token_hash`` ("" for no token)."""
    return blind_index(token, purpose=_PURPOSE) if token else ""


def owner_token_matches(token: str, stored_hash: str) -> bool:
    """True when ``token`` is the one whose hash is ``stored_hash`` (constant time)."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(owner_token_hash(token), stored_hash)


def session_owner_token(request: HttpRequest, *, create: bool = False) -> str:
    """The owner token of this browser session ("" when none and ``create`` is false)."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    token = session.get(OWNER_TOKEN_SESSION_KEY, "")
    if not token and create:
        token = session[OWNER_TOKEN_SESSION_KEY] = new_owner_token()
    return str(token)
