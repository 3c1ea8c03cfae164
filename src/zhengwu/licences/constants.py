"""Vocabulary of electronic licences (电子证照, LIC-1 … LIC-3): types, states, event names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceType(models.TextChoices):
    """证照类型 shown in 我的证照 (LIC-1).

    The national catalogue (GB/T 36902) assigns each type a 21-character type code (the
    defining body's USCC + a 3-digit sequence); see :data:`TYPE_CODES`.
    """

    BUSINESS_LICENCE = "business_licence", _("营业执照")
    FOOD_BUSINESS = "food_business", _("食品经营许可证")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备使用登记证")
    CREDIT_CODE_CERTIFICATE = "credit_code_certificate", _("统一社会信用代码证书")
    FOOD_FILING = "food_filing", _("食品经营备案凭证")


#: 证照类型代码 per type (GB/T 36904: defining body's USCC + 3-digit sequence). The national
#: catalogue is not public; these are placeholders with valid USCCs (decision 0015).
TYPE_CODES: dict[str, str] = {
    LicenceType.BUSINESS_LICENCE: "11100000000013127D001",
    LicenceType.FOOD_BUSINESS: "11100000000013127D002",
    LicenceType.SPECIAL_EQUIPMENT: "11100000000013127D003",
    LicenceType.CREDIT_CODE_CERTIFICATE: "11100000000013127D004",
    LicenceType.FOOD_FILING: "11100000000013127D005",
}


class LicenceStatus(models.TextChoices):
    """Stored state of a licence. ``expired`` is never stored: it follows from the dates."""

    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已注销")


class DisplayStatus(models.TextChoices):
    """What a person sees (LIC-1, LIC-3): the stored state, or 已过期 after ``valid_until``."""

    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已注销")
    EXPIRED = "expired", _("已过期")


TRANSITIONS: dict[str, frozenset[str]] = {
    LicenceStatus.VALID: frozenset({LicenceStatus.REVOKED}),
    LicenceStatus.REVOKED: frozenset(),
}


class Source(models.TextChoices):
    API = "api", _("发证部门接口")
    STAFF = "staff", _("工作人员录入")
    DEMO = "demo", _("演示数据")


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("待法定代表人授权")
    GRANTED = "granted", _("已授权")
    DECLINED = "declined", _("已拒绝")


ACCESS_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    AccessRequestStatus.PENDING: frozenset(
        {AccessRequestStatus.GRANTED, AccessRequestStatus.DECLINED}
    ),
    AccessRequestStatus.GRANTED: frozenset(),
    AccessRequestStatus.DECLINED: frozenset(),
}

# Audit event types.
EVENT_ISSUED = "licences.issued"
EVENT_REVOKED = "licences.revoked"
EVENT_VIEWED = "licences.viewed"
EVENT_DOWNLOADED = "licences.downloaded"
EVENT_FACE_PASSED = "licences.face_verified"
EVENT_FACE_FAILED = "licences.face_failed"
EVENT_ACCESS_REQUESTED = "licences.access_requested"
EVENT_ACCESS_GRANTED = "licences.access_granted"
EVENT_ISSUER_AUTH_FAILED = "licences.issuer_auth_failed"
EVENT_ISSUER_KEY_CREATED = "licences.issuer_key_created"
