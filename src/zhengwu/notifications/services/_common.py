"""Helpers shared by the notification services."""

from __future__ import annotations

from typing import Any

from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ValidationFailed
from zhengwu.identifiers import mobile as mobile_ids


def validate_mobile(mobile: str) -> str:
    """The normalised 11-digit mobile, or ``ValidationFailed`` on the field ``mobile`` with the
    identifier's own code (``mobile.length``, ``mobile.landline``, ...) and message."""
    try:
        return mobile_ids.validate(mobile)
    except ValueError as exc:  # identifiers.InvalidIdentifier
        raise ValidationFailed(
            getattr(exc, "message", str(exc)),
            code=getattr(exc, "code", "mobile.invalid"),
            field="mobile",
        ) from exc


def mobile_hash(number: str) -> str:
    """The blind index of a normalised mobile (the ``mobile`` purpose shared by all apps)."""
    return blind_index(number, purpose="mobile")


def subject_ref(subject: Any) -> tuple[str, str]:
    """``(type, id)`` of a model instance or of a ``(type, id)`` pair; empty for ``None``."""
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return str(subject[0])[:64], str(subject[1])[:64]
    meta = getattr(subject, "_meta", None)
    if meta is not None:
        return meta.label_lower, str(subject.pk)
    return type(subject).__name__[:64], str(subject)[:64]


def actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor[:150]
    if not getattr(actor, "is_authenticated", True):
        return ""
    return str(getattr(actor, "get_username", lambda: actor)())[:150]
