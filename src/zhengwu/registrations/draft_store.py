"""Wizard drafts between step 1 and step 2, kept in the cache (decision 0017).

Step 1 (信息认证) is anonymous and answers a question anyone can ask; most of its drafts are
never continued (a typo, a check of the unit, a visitor who stops at 创建用户). So step 1 does
not write a database row: the verified unit data wait in the cache (Redis in production),
encrypted with the field keys, under the draft's random id, for the draft's lifetime
(``ZHENGWU_REG_DRAFT_TTL_SECONDS``, plus an hour in which it answers 已过期). The first step-2 submission writes the row
(``registration_user_submit``) and drops the cache entry; from then on the database holds
the draft as before. An abandoned step 1 leaves nothing behind: the entry simply expires.

``draft_get`` looks in the database first, then here, so a draft is found wherever it is.
When the cache refuses the write (Redis down), step 1 falls back to the database row; when it
cannot be read, the draft is "not found" and the applicant starts again at step 1.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from zhengwu.core.crypto import DecryptionError, decrypt_str, encrypt_str

from .constants import DraftStep
from .models import RegistrationDraft

logger = logging.getLogger(__name__)

KEY_PREFIX = "registrations:draft:"
# Kept this long past its expiry, so that a late applicant hears 已过期 (``DraftExpired``)
# rather than 不存在.
EXPIRED_GRACE_SECONDS = 3600
# What step 1 knows: the verified unit and its legal representative, and the lifetimes.
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


def _key(draft_id: uuid.UUID) -> str:
    return f"{KEY_PREFIX}{draft_id}"


def stash(draft: RegistrationDraft) -> bool:
    """Keep the step-1 ``draft`` (unsaved, step 创建用户) in the cache until it expires.

    False when the cache refused it: the caller then saves the row instead."""
    payload = {name: getattr(draft, name) for name in FIELDS}
    payload["id"] = str(draft.pk)
    payload["created_at"] = draft.created_at.isoformat()
    payload["expires_at"] = draft.expires_at.isoformat()
    lifetime = (draft.expires_at - timezone.now()).total_seconds()
    timeout = max(1, int(lifetime)) + EXPIRED_GRACE_SECONDS
    try:
        cache.set(_key(draft.pk), encrypt_str(json.dumps(payload, ensure_ascii=False)), timeout)
    except Exception:  # the cache is an optimisation: any failure means "use the database"
        logger.warning("registration draft not cached; written to the database", exc_info=True)
        return False
    return True


def load(draft_id: Any) -> RegistrationDraft | None:
    """The cached step-1 draft ``draft_id`` as an unsaved instance, or ``None``."""
    try:
        key = uuid.UUID(str(draft_id))
    except (ValueError, TypeError, AttributeError):
        return None
    try:
        token = cache.get(_key(key))
    except Exception:
        logger.warning("registration draft cache unreadable", exc_info=True)
        return None
    if not isinstance(token, str):
        return None
    try:
        payload = json.loads(decrypt_str(token))
    except (DecryptionError, ValueError):
        logger.warning("registration draft %s in the cache does not decrypt", key)
        return None
    if payload.get("id") != str(key):
        return None
    return RegistrationDraft(
        id=key,
        step=DraftStep.USER,
        created_at=datetime.datetime.fromisoformat(payload["created_at"]),
        expires_at=datetime.datetime.fromisoformat(payload["expires_at"]),
        **{name: payload[name] for name in FIELDS},
    )


def discard(draft_id: uuid.UUID) -> None:
    """Drop the cache entry once the draft has its database row (after the commit)."""
    try:
        cache.delete(_key(draft_id))
    except Exception:  # harmless: the database row is found first, the entry expires
        logger.warning("registration draft cache entry not dropped", exc_info=True)
