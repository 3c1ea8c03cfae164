"""The organisation and its legal representative as an applicant enters them (REG-1, REG-2).

The wizard's step 1 and the agent's form take the same fields: ``organisation_validate``
normalises and checks them, ``legal_rep_id_number_validate`` the ID number; the register
(``registry.registry_check``) comes after each channel's own rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts.constants import IdType, LegalPersonType
from zhengwu.accounts.identity import id_number_validate
from zhengwu.core.errors import ValidationFailed
from zhengwu.integrations.registry.base import UNIT_NAME_LABEL

from .. import conf

#: The unit name is 单位名称 on every page and in every message.
name_label = UNIT_NAME_LABEL


def required_text(value: Any, *, field: str, label: str, max_length: int | None = None) -> str:
    """``value`` with its white space folded; ``ValidationFailed`` naming ``field`` when it is
    empty or longer than ``max_length``."""
    value = " ".join(str(value or "").split())
    if not value:
        raise ValidationFailed(f"请填写{label}", code=f"{field}.empty", field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed(
            f"{label}不能超过{max_length}个字", code=f"{field}.too_long", field=field
        )
    return value


def draft_expiry() -> datetime.datetime:
    """When a draft started or renewed now expires (``ZHENGWU_REG_DRAFT_TTL_SECONDS``)."""
    return timezone.now() + datetime.timedelta(seconds=conf.draft_ttl_seconds())


@dataclass(frozen=True)
class OrganisationInput:
    """An organisation and its legal representative as entered, normalised
    (``organisation_validate``)."""

    legal_person_type: str
    label: str  # what the page calls the name: 单位名称 (``name_label``)
    organisation_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_type: str


def organisation_validate(
    *,
    legal_person_type: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    rep_name_label: str = "法定代表人",
    max_length: int | None = None,
) -> OrganisationInput:
    """Legal-person type (其他非法人单位 → manual channel), name, USCC fitting the type, the
    legal representative's name and ID type, normalised. ``rep_name_label`` is the name
    field's label on the caller's page; ``max_length`` bounds the names. Raises
    ``ValidationFailed`` naming the field."""
    if legal_person_type not in LegalPersonType.values:
        raise ValidationFailed(
            "请选择法人类型", code="legal_person_type.empty", field="legal_person_type"
        )
    if legal_person_type == LegalPersonType.OTHER:
        # Seed 001 一.4: units without a code-bearing certificate go to the manual channel.
        raise ValidationFailed(
            "其他非法人单位请通过人工认证渠道注册",
            code="registration.manual_channel",
            field="legal_person_type",
        )
    label = name_label
    organisation_name = required_text(
        organisation_name, field="organisation_name", label=label, max_length=max_length
    )
    if not (uscc or "").strip():
        raise ValidationFailed("请填写统一社会信用代码", code="uscc.empty", field="uscc")
    try:
        code = identifiers.uscc.validate_for_legal_person_type(uscc, legal_person_type)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="uscc") from exc
    legal_rep_name = required_text(
        legal_rep_name, field="legal_rep_name", label=rep_name_label, max_length=max_length
    )
    if legal_rep_id_type not in IdType.values:
        raise ValidationFailed(
            "请选择法定代表人证件类型", code="id_type.empty", field="legal_rep_id_type"
        )
    return OrganisationInput(
        legal_person_type=legal_person_type,
        label=label,
        organisation_name=organisation_name,
        uscc=code,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
    )


def legal_rep_id_number_validate(organisation: OrganisationInput, number: str) -> str:
    """The legal representative's ID number, normalised and valid for the ID type entered."""
    return id_number_validate(
        id_type=organisation.legal_rep_id_type,
        number=number,
        field="legal_rep_id_number",
        label="法定代表人证件号码",
    )
