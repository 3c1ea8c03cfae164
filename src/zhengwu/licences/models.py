"""Electronic licences (电子证照): issuers, licences, and the LR's face-verified access (LIC-2).

A licence belongs to its holder's USCC (持证主体代码, GB/T 36903), not to an ``Organisation``
row: issuing departments push licences for every market entity, registered on the portal or not.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .constants import (
    ACCESS_REQUEST_TRANSITIONS,
    TRANSITIONS,
    AccessRequestStatus,
    DisplayStatus,
    LicenceStatus,
    LicenceType,
    Source,
)


class Issuer(models.Model):
    """An issuing department (证照颁发机构) and its hashed API key.

    The key itself is shown once when created (``manage.py licences_issuer``); only its
    SHA-256 is stored (keys are 32 random bytes, so a plain hash is not guessable).
    """

    uscc = models.CharField("颁发机构代码", max_length=18, unique=True)
    name = models.CharField("颁发机构", max_length=200)
    key_hash = models.CharField("接口密钥摘要", max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "发证部门"
        verbose_name_plural = "发证部门"

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    """One electronic licence (LIC-1) with its GB/T 36904 identifier (证照标识).

    ``status`` is the stored state (valid or revoked, changed only through
    ``core.workflow.transition``); expiry follows from ``valid_until`` (see
    :meth:`display_status`).
    """

    TRANSITIONS = TRANSITIONS

    identifier = models.CharField("证照标识", max_length=128, unique=True)
    licence_type = models.CharField("证照类型", max_length=32, choices=LicenceType.choices)
    number = models.CharField("证照编号", max_length=64)
    holder_uscc = models.CharField("持证主体代码", max_length=18, db_index=True)
    holder_name = models.CharField("持证主体", max_length=200)
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="licences", verbose_name="颁发机构"
    )
    issued_on = models.DateField("颁发日期")
    valid_from = models.DateField("有效期起始日期")
    valid_until = models.DateField("有效期截止日期", null=True, blank=True, help_text="空 = 长期")
    particulars = models.JSONField("照面信息", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    revoke_reason = models.CharField("注销原因", max_length=200, blank=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        permissions = [("manage_licences", "录入和注销电子证照")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LicenceStatus.values), name="licences_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(licence_type__in=LicenceType.values), name="licences_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="licences_validity_ordered",
            ),
            # One number per type and holder's issuer (a re-issue gets a new version instead).
            models.UniqueConstraint(
                fields=["licence_type", "number", "issuer"], name="licences_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_licence_type_display()}（{self.holder_name}）"

    def display_status(self, today: datetime.date | None = None) -> str:
        """``revoked`` if revoked, ``expired`` after ``valid_until``, else ``valid``."""
        if self.status == LicenceStatus.REVOKED:
            return DisplayStatus.REVOKED
        today = today or timezone.localdate()
        if self.valid_until is not None and self.valid_until < today:
            return DisplayStatus.EXPIRED
        return DisplayStatus.VALID

    @property
    def display_status_label(self) -> str:
        return str(DisplayStatus(self.display_status()).label)


class LicenceAccess(models.Model):
    """A face-verified window in which ``user`` may view and download the unit's licences (LIC-2).

    Created when the legal representative passes the face check (for themself) or grants an
    operator's request (again after a face check). Stored server-side with its expiry, so a
    copied session cookie does not extend it and it can be revoked.
    """

    holder_uscc = models.CharField("持证主体代码", max_length=18)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="licence_accesses",
        verbose_name="使用人",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="授权人（法定代表人）",
    )
    verified_at = models.DateTimeField("人脸核验时间", default=timezone.now)
    expires_at = models.DateTimeField("有效期至")

    class Meta:
        verbose_name = "证照查看授权"
        verbose_name_plural = "证照查看授权"
        indexes = [models.Index(fields=["user", "holder_uscc", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.holder_uscc} 至 {self.expires_at:%Y-%m-%d %H:%M}"


class LicenceAccessRequest(models.Model):
    """An operator's request to view the unit's licences, granted by the LR (LIC-2)."""

    TRANSITIONS = ACCESS_REQUEST_TRANSITIONS

    holder_uscc = models.CharField("持证主体代码", max_length=18)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="licence_access_requests",
        verbose_name="申请人",
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "证照查看申请"
        verbose_name_plural = "证照查看申请"
        constraints = [
            # One open request per operator and unit (a second click does not spam the LR).
            models.UniqueConstraint(
                fields=["holder_uscc", "requester"],
                condition=Q(status="pending"),
                name="licences_one_pending_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.holder_uscc}（{self.get_status_display()}）"


class LicenceFaceCheck(models.Model):
    """A face check the legal representative started to open licences (LIC-2).

    Bound server-side to the person who started it, the unit, and (when it grants an
    operator's request) that request; used at most once.
    """

    token = models.CharField("核验令牌", max_length=128, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="核验人"
    )
    holder_uscc = models.CharField("持证主体代码", max_length=18)
    access_request = models.ForeignKey(
        LicenceAccessRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="face_checks",
        verbose_name="授权的申请",
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "证照人脸核验"
        verbose_name_plural = "证照人脸核验"

    def __str__(self) -> str:
        return f"{self.user} → {self.holder_uscc}"
