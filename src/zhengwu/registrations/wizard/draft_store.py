"""Wizard drafts between step 1 and step 2: a sealed token the client holds (decision 0017).

Step 1 (信息认证) is anonymous and answers a question anyone can ask; most of its drafts are
never continued (a typo, a check of the unit, a visitor who stops at 创建用户). So step 1
keeps nothing on the server: the verified unit data travel to step 2 in a **draft token**,
the JSON of the draft sealed with the field keys (``core.crypto``, AES-256-GCM: encrypted and
authenticated, so the client can neither read the legal representative's ID number nor change
a field the register confirmed). The token names its draft id and purpose and carries the
expiry. The page keeps it in the session; an API client sends it back in the body of its
step-2 calls (``draft_token``), never in a URL.

The first step-2 submission writes the draft's row (``registration_user_submit``); from then
on the database holds the draft and the token is no longer needed. An abandoned step 1 leaves
nothing behind but its audit event.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from zhengwu.core.crypto import DecryptionError, decrypt_str, encrypt_str

from ..common.api import DRAFT_TOKEN_MAX_LENGTH
from ..constants import DraftStep
from ..models import RegistrationDraft

PURPOSE = "registrations.draft.v1"
MAX_TOKEN_LENGTH = DRAFT_TOKEN_MAX_LENGTH  # a sealed step-1 draft is about 700 characters
# What step 1 knows: the verified unit and its legal representative.
FIELDS = (
    "location",
    "legal_person_type",
    "uscc",
    "organisation_name",
    "legal_rep_name",
    "legal_rep_id_type",
    "legal_rep_id_number",
    "legal_rep_id_number_hash",
)


def seal(draft: RegistrationDraft) -> str:
    """The token of a step-1 ``draft`` (unsaved, step 创建用户)."""
    payload: dict[str, Any] = {name: getattr(draft, name) for name in FIELDS}
    payload.update(
        purpose=PURPOSE,
        id=str(draft.pk),
        created_at=draft.created_at.isoformat(),
        expires_at=draft.expires_at.isoformat(),
    )
    return encrypt_str(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def unseal(draft_id: Any, token: Any) -> RegistrationDraft | None:
    """The step-1 draft ``draft_id`` sealed in ``token`` as an unsaved instance, or ``None``
    when the token is missing, forged, altered, another draft's or not a draft token."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        key = uuid.UUID(str(draft_id))
        payload = json.loads(decrypt_str(token))
    except (ValueError, TypeError, AttributeError, DecryptionError):
        return None
    if not isinstance(payload, dict) or payload.get("purpose") != PURPOSE:
        return None
    if payload.get("id") != str(key):
        return None
    try:
        return RegistrationDraft(
            id=key,
            step=DraftStep.USER,
            created_at=datetime.datetime.fromisoformat(payload["created_at"]),
            expires_at=datetime.datetime.fromisoformat(payload["expires_at"]),
            **{name: str(payload[name]) for name in FIELDS},
        )
    except (KeyError, TypeError, ValueError):
        return None
