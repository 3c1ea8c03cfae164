"""The enterprise code (企业码): one per unit, claimed once (EC-1), revocable (EC-3).

The unit is either an ``accounts.Organisation`` (a market entity or other legal person with a
portal account) or an ``agency.AgencyUnit`` of the agency register, signed in with its login
QR image (issue 12, decision 0021): exactly one of the two columns is set.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.models import Organisation

from .constants import CODE_TRANSITIONS, CodeStatus


def new_public_id() -> str:
    """A random, meaningless identifier of a code (128 bits, URL-safe): the QR names the code
    by this, never by the organisation's USCC or primary key."""
    return secrets.token_urlsafe(16)


class EnterpriseCode(models.Model):
    """An organisation's enterprise code.

    The one-to-one link is the database's guarantee of EC-1 "claimed once": two simultaneous
    claims insert two rows for one organisation and the second fails on the unique index.
    The QR carries ``public_id`` and ``version`` signed by ``tokens.make_token``; revoking or
    reissuing bumps ``version`` so every earlier QR stops verifying. ``status`` moves only
    through ``core.workflow.transition`` (``TRANSITIONS``).
    """

    Status = CodeStatus
    TRANSITIONS = CODE_TRANSITIONS

    organisation = models.OneToOneField(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_code",
        verbose_name="单位",
    )
    agency_unit = models.OneToOneField(
        "agency.AgencyUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_code",
        verbose_name="机关、群团或事业单位",
    )
    public_id = models.CharField(
        "码标识", max_length=32, unique=True, default=new_public_id, editable=False
    )
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=CodeStatus.choices, default=CodeStatus.ACTIVE
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="领码人",
    )
    claimed_at = models.DateTimeField("领码时间", default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业码"
        verbose_name_plural = "企业码"
        default_permissions = ("view",)
        permissions = [
            ("manage_code", "作废和重新发放企业码"),
            ("view_campaign", "查看领码统计"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CodeStatus.values), name="enterprise_code_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="enterprise_code_version_1"),
            # The code of either a portal organisation or an agency unit, never both, never none.
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, agency_unit__isnull=True)
                | Q(organisation__isnull=True, agency_unit__isnull=False),
                name="enterprise_code_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"企业码 {self.holder}"

    @property
    def holder(self) -> Any:
        """The unit the code belongs to: the organisation or the agency unit."""
        return self.organisation if self.organisation_id is not None else self.agency_unit

    @property
    def holder_name(self) -> str:
        return str(self.holder.name)

    @property
    def holder_uscc(self) -> str:
        return str(self.holder.uscc or "")

    @property
    def is_agency(self) -> bool:
        return self.agency_unit_id is not None

    @property
    def is_active(self) -> bool:
        return self.status == CodeStatus.ACTIVE

    @property
    def token(self) -> str:
        """The signed token of the current version (what the QR carries)."""
        from .tokens import make_token

        return make_token(public_id=self.public_id, version=self.version)

    def verification_path(self) -> str:
        """The public verification page's path with the current token (EC-3)."""
        return reverse("enterprise:verify", args=[self.token])

    def verification_url(self) -> str:
        """The absolute URL the QR encodes: ``ZHENGWU_SITE_URL`` + ``verification_path``."""
        return settings.ZHENGWU_SITE_URL.rstrip("/") + self.verification_path()
