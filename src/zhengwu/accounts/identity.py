"""Normalising, validating and hashing people's ID numbers and mobiles (ACC-7, REG-1, REG-4).

Every app that stores an ID number or a mobile uses these blind indexes, so that equal values
compare equal everywhere (the same purpose strings as ``zhengwu.notifications``).
"""

from __future__ import annotations

import datetime

from zhengwu import identifiers
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ValidationFailed

from .constants import IdType

_VALIDATORS = {
    IdType.RESIDENT_ID: identifiers.resident_id.validate,
    IdType.HKMO_PERMIT: identifiers.hkmo_permit.validate,
    IdType.TW_PERMIT: identifiers.tw_permit.validate,
    IdType.PASSPORT: identifiers.passport.validate,
    IdType.FOREIGN_PR: identifiers.foreign_pr.validate,
}


def id_number_validate(*, id_type: str, number: str, field: str, label: str) -> str:
    """The normalised ID number, or ``ValidationFailed`` naming ``label`` (REG-1: upper case,
    spaces stripped)."""
    if id_type not in _VALIDATORS:
        raise ValidationFailed(f"请选择{label}类型", code="id_type.invalid", field=field)
    if not (number or "").strip():
        raise ValidationFailed(f"请填写{label}", code="id_number.empty", field=field)
    try:
        return _VALIDATORS[IdType(id_type)](number)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(f"{label}：{exc.message}", code=exc.code, field=field) from exc


def mobile_validate(*, number: str, field: str = "mobile", label: str = "手机号") -> str:
    """The normalised mobile (11 digits) or ``ValidationFailed`` naming ``label``."""
    if not (number or "").strip():
        raise ValidationFailed(f"请填写{label}", code="mobile.empty", field=field)
    try:
        return identifiers.mobile.validate(number)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(f"{label}：{exc.message}", code=exc.code, field=field) from exc


def id_number_hash(number: str) -> str:
    """Blind index of a normalised ID number (matching is by number, SPEC REG-7/REG-8)."""
    return blind_index(number, purpose="id_number")


def mobile_hash(number: str) -> str:
    """Blind index of a normalised mobile, shared with the SMS outbox."""
    return blind_index(number, purpose="mobile")


def birth_date_of(*, id_type: str, number: str) -> datetime.date | None:
    """The birth date an ID number encodes, when its type encodes one (REG-4 password rule)."""
    try:
        if id_type == IdType.RESIDENT_ID:
            return identifiers.resident_id.birth_date(number)
        if id_type == IdType.FOREIGN_PR:
            return identifiers.foreign_pr.birth_date(number)
    except (identifiers.InvalidIdentifier, ValueError):
        return None
    return None
